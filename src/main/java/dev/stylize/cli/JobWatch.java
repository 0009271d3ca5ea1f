package dev.stylize.cli;

import dev.stylize.client.ClientSettings;
import dev.stylize.client.JobExit;
import dev.stylize.client.JobFollower;
import dev.stylize.client.JobRecords;
import dev.stylize.client.OutputDownload;
import dev.stylize.client.WatchDisplay;
import dev.stylize.job.JobStatus;
import dev.stylize.job.OutputInfo;
import dev.stylize.job.ResultEvent;
import dev.stylize.storage.ObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;

/** The waiting half of {@code submit --watch} and {@code watch}: follow, save the output, pick the exit code. */
final class JobWatch {
    private JobWatch() {}

    static int await(JobRecords records, WatchOptions options, ClientSettings settings, PrintWriter out,
            PrintWriter err) throws IOException {
        // A console means a person is looking: redraw one bar. Otherwise (pipe, file, CI) one line per event.
        WatchDisplay display = WatchDisplay.forOutput(out, System.console() != null);
        Optional<ResultEvent> result = JobFollower.follow(records, display, options.timeout);
        if (result.isEmpty()) {
            err.println("no result within " + options.timeout + "; the job may still finish");
            return JobExit.TIMEOUT.code;
        }
        ResultEvent r = result.get();
        if (r.status() == JobStatus.SUCCEEDED) {
            for (OutputInfo o : r.outputs()) {
                out.println("output s3://" + o.bucket() + "/" + o.key() + " " + o.width() + "x" + o.height()
                        + " sha256 " + o.sha256());
            }
            if (options.out != null) {
                try (ObjectStore store = new ObjectStore(settings.s3())) {
                    OutputDownload.save(store, r.outputs().get(0), options.out);
                }
                out.println("wrote " + options.out);
            }
        }
        out.flush();
        return JobExit.of(r.status()).code;
    }
}
