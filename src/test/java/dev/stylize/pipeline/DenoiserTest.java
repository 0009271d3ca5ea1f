package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ResolvedParams;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RuntimeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The loop's parts outside the transformer: the Euler step, the ETA decorator, step listeners, step timings. */
class DenoiserTest {
    @Test
    void eulerStepAddsDtTimesVelocityInFloat32() {
        float[] x = {1f, -2f, 0.1f};
        float[] v = {0.5f, 3f, -7f};
        float dt = 0.9884086f - 1f;
        Denoiser.eulerStep(x, v, dt);
        assertArrayEquals(new float[] {1f + dt * 0.5f, -2f + dt * 3f, 0.1f + dt * -7f}, x);
    }

    @Test
    void scheduleCountsTheStepsFromItsStart() {
        Denoiser.Schedule schedule = new Denoiser.Schedule(new float[] {1f, 0.75f, 0.5f, 0.25f, 0f}, 1);
        assertEquals(3, schedule.steps());
        assertEquals(0.75f, schedule.startSigma());
    }

    @Test
    void etaProgressPassesStepsOnWithAnEta() {
        List<String> seen = new ArrayList<>();
        Supplier<RgbImage> preview = () -> null;
        ProgressListener progress = new ProgressListener() {
            @Override
            public void onStep(int step, int total, long etaMs, Supplier<RgbImage> p) {
                assertTrue(etaMs >= 0);
                seen.add(step + "/" + total + (p == preview ? " preview" : ""));
            }
        };
        EtaProgress eta = new EtaProgress(progress);
        eta.onStart(2);
        eta.onStep(1, 2, null);
        eta.onStep(2, 2, preview);
        assertEquals(List.of("1/2", "2/2 preview"), seen);
    }

    @Test
    void andThenCallsBothListenersInOrder() {
        List<String> calls = new ArrayList<>();
        StepListener first = new StepListener() {
            @Override
            public void onStart(int total) {
                calls.add("first start " + total);
            }

            @Override
            public void onStep(int step, int total, Supplier<RgbImage> preview) {
                calls.add("first " + step);
            }
        };
        StepListener second = (step, total, preview) -> calls.add("second " + step);
        StepListener both = first.andThen(second);
        both.onStart(3);
        both.onStep(1, 3, null);
        assertEquals(List.of("first start 3", "first 1", "second 1"), calls);
    }

    @Test
    void benchmarkTimesEveryStep() {
        try (ModelSet set = ModelSet.load(TestModels.imageOnly(), RuntimeConfig.cpu(), null)) {
            JobParams p = new JobParams(3, null, 9L, null, null, null, null, null, false, null, null);
            ResolvedParams rp = ParamResolver.resolve(Mode.COMPOSITE, p, false, 1);
            StageBenchmark.Report report = new StageBenchmark(set, PipelineLimits.DEFAULT).run(
                    new StylizeRequest("j", List.of(new Reference(PipelineBehaviourTest.REF)), PipelineBehaviourTest.B,
                            null, null, rp));
            assertEquals(3, report.stepMs().length);
            for (int i = 0; i < 3; i++) {
                assertTrue(report.stepOutsideMs()[i] >= 0 && report.stepOutsideMs()[i] <= report.stepMs()[i]);
            }
            assertTrue(report.stagesMs().containsKey("session.run fill_transformer"));
        }
    }
}
