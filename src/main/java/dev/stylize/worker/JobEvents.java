package dev.stylize.worker;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;

/** Where a job's events go. {@link #result} returns only once the broker has the result. */
public interface JobEvents {
    void progress(ProgressEvent event);

    void result(ResultEvent event);

    /** A request that cannot be parsed or validated, with the reason, original key and bytes. */
    void deadLetter(String key, byte[] value, ErrorCode code, String message);
}
