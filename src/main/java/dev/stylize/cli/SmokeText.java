package dev.stylize.cli;

import dev.stylize.runtime.ComponentSmoke;
import dev.stylize.runtime.ModelSession;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** One line per component of {@code models check --smoke}. */
final class SmokeText {
    private SmokeText() {}

    static String line(ComponentSmoke.Report r) {
        String head = String.format(Locale.ROOT, "smoke %-16s %-8s", r.component().key(),
                r.provider().name().toLowerCase(Locale.ROOT));
        if (r.error() != null) {
            return head + " FAILED: " + r.error();
        }
        StringJoiner outs = new StringJoiner("; ");
        for (Map.Entry<String, ModelSession.Output> e : r.outputs().entrySet()) {
            outs.add(e.getKey() + " " + describe(e.getValue()));
        }
        return String.format(Locale.ROOT, "%s %6d ms  %s", head, r.millis(), outs);
    }

    /** Shape, graph dtype, then [min, max] over the finite values and the count of the others. */
    static String describe(ModelSession.Output o) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        int nonFinite = 0;
        for (float v : o.values()) {
            if (!Float.isFinite(v)) {
                nonFinite++;
            } else {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        String range = nonFinite == o.values().length ? "no finite value"
                : String.format(Locale.ROOT, "[%.4g, %.4g]", min, max);
        return Arrays.toString(o.shape()) + " " + o.dtype() + " " + range
                + (nonFinite > 0 ? " NON-FINITE " + nonFinite : " finite");
    }
}
