package dev.stylize.worker;

import dev.stylize.job.JobRequest.OutputSpec;
import java.util.Locale;

/**
 * Object keys of a job, deterministic from its job id so a redelivered job finds its own output:
 * {@code <prefix>/<jobId>/output.<ext>}, {@code .../previews/step-NNN.jpg}, {@code .../attempts.json}.
 */
record OutputLayout(String bucket, String base, String format) {
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
        return String.format(Locale.ROOT, "%s/previews/step-%03d.jpg", base, step);
    }

    String attemptsKey() {
        return base + "/attempts.json";
    }
}
