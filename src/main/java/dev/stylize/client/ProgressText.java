package dev.stylize.client;

import dev.stylize.job.ProgressEvent;
import dev.stylize.job.ResultEvent;
import java.util.Locale;

/**
 * How progress and results read on a terminal: a one-line bar redrawn in place, or one plain line per
 * event for logs and pipes. Pure: text in, text out.
 */
public final class ProgressText {
    static final int BAR_WIDTH = 30;

    private ProgressText() {}

    /** {@code DENOISING  [#########.....]  47%  step 12/28  ETA 11.8s} */
    public static String bar(ProgressEvent e) {
        int filled = (int) Math.round(e.progress() * BAR_WIDTH);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s [", e.phase()));
        sb.append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
        sb.append(String.format(Locale.ROOT, " %3d%%", Math.round(e.progress() * 100)));
        sb.append(steps(e)).append("  ETA ").append(eta(e.etaMs()));
        return sb.toString();
    }

    /** {@code job-1 attempt 1 DENOISING step 12/28 47% ETA 11.8s} */
    public static String line(ProgressEvent e) {
        return String.format(Locale.ROOT, "%s attempt %d %s%s %d%% ETA %s", e.jobId(), e.attempt(), e.phase(),
                steps(e), Math.round(e.progress() * 100), eta(e.etaMs()));
    }

    /** {@code job-1 SUCCEEDED} or {@code job-1 FAILED PARAM_OUT_OF_RANGE: params.steps must be …} */
    public static String result(ResultEvent r) {
        String text = r.jobId() + " " + r.status();
        return r.error() == null ? text : text + " " + r.error().code() + ": " + r.error().message();
    }

    /** "?" while unknown, else seconds with a tenth under a minute, then minutes and seconds. */
    static String eta(Long ms) {
        if (ms == null) {
            return "?";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = Math.round(ms / 1000.0);
        return s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    private static String steps(ProgressEvent e) {
        return e.steps() > 0 ? String.format(Locale.ROOT, " step %d/%d", e.step(), e.steps()) : "";
    }
}
