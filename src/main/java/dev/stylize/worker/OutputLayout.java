package dev.stylize.worker;

import dev.stylize.job.JobRequest.OutputSpec;
import java.util.Locale;

/**
 * Object keys of a job, deterministic from its job id so a redelivered job finds its own output:
 * {@code <prefix>/<jobId>/output.<ext>}; previews under a top-level
 * {@code previews/} prefix ({@code previews/<prefix>/<jobId>/step-NNN.jpg}) so a bucket lifecycle
 * rule can expire them long before outputs.
 */
record OutputLayout(String bucket, String base, String format) {
    static final String PREVIEWS = "previews";

    static OutputLayout of(OutputSpec spec, String jobId) {
        String prefix = spec.prefix() == null ? "" : spec.prefix().replaceAll("/+$", "");
        String base = prefix.isEmpty() ? jobId : prefix + "/" + jobId;
        String format = spec.format().wireName();
        return new OutputLayout(spec.bucket(), base, format);
    }

    String outputKey() {
        return base + "/output." + (format.equals("jpeg") ? "jpg" : format);
    }

    String previewKey(int step) {
        return String.format(Locale.ROOT, "%s/%s/step-%03d.jpg", PREVIEWS, base, step);
    }
}
