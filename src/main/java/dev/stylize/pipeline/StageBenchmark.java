package dev.stylize.pipeline;

import dev.stylize.imaging.RgbImage;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Runs a job and splits its time into stages, and each denoising step into session.run time and the rest. */
public final class StageBenchmark {
    public record Report(RgbImage image, int canvasWidth, int canvasHeight, int imageTokens, int textTokens,
            Map<String, Double> stagesMs, double[] stepMs, double[] stepOutsideMs, double totalMs,
            double sessionRunMs) {}

    private final ModelSet models;
    private final StylizePipeline pipeline;

    public StageBenchmark(ModelSet models, PipelineLimits limits) {
        this.models = models;
        this.pipeline = new StylizePipeline(models, limits, EncoderCache.DISABLED);
    }

    public Report run(StylizeRequest job) {
        Map<Component, Long> before = runNanos();
        StepTimes steps = new StepTimes();
        long t0 = System.nanoTime();
        StylizeResult result;
        try (RunControl control = new RunControl()) {
            result = pipeline.run(job, control, ProgressListener.NONE, steps);
        }
        double totalMs = (System.nanoTime() - t0) / 1e6;
        Map<String, Double> stages = new LinkedHashMap<>();
        result.timingsMs().forEach((k, v) -> stages.put(k, v.doubleValue()));
        double sessionMs = 0;
        for (Map.Entry<Component, Long> e : runNanos().entrySet()) {
            double ms = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e6;
            if (ms > 0) {
                stages.put("session.run " + e.getKey().key(), ms);
                sessionMs += ms;
            }
        }
        double[] stepMs = steps.steps.stream().mapToDouble(s -> s[0]).toArray();
        double[] outside = steps.steps.stream().mapToDouble(s -> s[1]).toArray();
        return new Report(result.image(), result.canvasWidth(), result.canvasHeight(), result.imageTokens(),
                result.textTokens(), stages, stepMs, outside, totalMs, sessionMs);
    }

    /**
     * Per denoising step: its wall time (from the end of the one before, or the loop's start) and the part
     * of it spent outside session.run, whose time the sessions count ({@link ModelSession#runNanos}).
     */
    private final class StepTimes implements StepListener {
        /** {total ms, outside session.run ms} per step. */
        final List<double[]> steps = new ArrayList<>();
        private long lastNanos;
        private long lastRunNanos;

        @Override
        public void onStart(int total) {
            lastNanos = System.nanoTime();
            lastRunNanos = totalRunNanos();
        }

        @Override
        public void onStep(int step, int total, Supplier<RgbImage> preview) {
            long now = System.nanoTime();
            long run = totalRunNanos();
            long stepNanos = now - lastNanos;
            steps.add(new double[] {stepNanos / 1e6, (stepNanos - (run - lastRunNanos)) / 1e6});
            lastNanos = now;
            lastRunNanos = run;
        }
    }

    /** session.run time of all components so far: during the loop only the transformer runs. */
    private long totalRunNanos() {
        return runNanos().values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<Component, Long> runNanos() {
        Map<Component, Long> m = new LinkedHashMap<>();
        for (Component c : Component.values()) {
            models.optional(c).map(ModelSession::runNanos).ifPresent(n -> m.put(c, n));
        }
        return m;
    }
}
