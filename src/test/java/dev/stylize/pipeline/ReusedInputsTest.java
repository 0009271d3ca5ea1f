package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ResolvedParams;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The transformer's input tensors are kept from one job to the next of the same shapes
 * ({@code ModelSession#reusableInput}): a job must give the same bytes after any other job as on fresh models,
 * so nothing of the previous job's reference, mask, target or prompt may be left in them.
 */
class ReusedInputsTest {
    private static final RgbImage RED = TestImages.uniform(64, 64, 220, 30, 40);
    private static final RgbImage BLUE = TestImages.uniform(64, 64, 20, 60, 230);

    @Test
    void aJobAfterAnotherOfTheSameShapesGivesTheBytesOfFreshModels() {
        byte[] fresh;
        try (ModelSet set = load()) {
            fresh = inpaint(set, BLUE, TestImages.gradient(96, 64), TestImages.lMask(96, 64), "a blue fox");
        }
        try (ModelSet set = load()) {
            byte[] other = inpaint(set, RED, TestImages.uniform(96, 64, 10, 200, 10), everywhere(96, 64), null);
            byte[] after = inpaint(set, BLUE, TestImages.gradient(96, 64), TestImages.lMask(96, 64), "a blue fox");
            assertFalse(Arrays.equals(other, after), "the two jobs differ, so a leftover would show");
            assertArrayEquals(fresh, after);
            // Another canvas in between: the kept tensors have other shapes and are replaced, then kept again.
            inpaint(set, RED, TestImages.gradient(128, 64), TestImages.lMask(128, 64), null);
            assertArrayEquals(fresh, inpaint(set, BLUE, TestImages.gradient(96, 64), TestImages.lMask(96, 64),
                    "a blue fox"));
        }
    }

    private static float[] everywhere(int w, int h) {
        float[] mask = new float[w * h];
        Arrays.fill(mask, 1f);
        return mask;
    }

    private static ModelSet load() {
        return ModelSet.load(TestModels.full(), RuntimeConfig.cpu(), null);
    }

    private static byte[] inpaint(ModelSet set, RgbImage reference, RgbImage target, float[] mask, String prompt) {
        ResolvedParams p = ParamResolver.resolve(Mode.INPAINT, new JobParams(3, null, 7L, null, 0.5, 2, null, null,
                null, null, null), true, 1);
        RgbImage maskImage = TestImages.maskImage(mask, target.width(), target.height());
        StylizePipeline pipeline = new StylizePipeline(set, PipelineLimits.DEFAULT.maxCanvasPixels());
        try (RunControl control = new RunControl()) {
            return pipeline.run(new StylizeRequest("j", List.of(new Reference(reference)), target, maskImage, prompt, p),
                    control, ProgressListener.NONE).image().rgb();
        }
    }
}
