package dev.stylize.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stylize.imaging.Resampler;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.Transformer;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Canvas sizes: the canvas is resized to the closest one, the transformer sees exactly its tokens, and the
 * user gets what the job would have given without them: B's region, at B's size.
 */
class CanvasSnappingTest {
    /** Small sizes, so that the analytic pipeline stays quick; 256x128 is 16·8 = 128 tokens. */
    static final CanvasSizes SIZES = CanvasSizes.parse("128x128,192x128,128x192,256x128,128x256");
    static final PipelineLimits LIMITS = PipelineLimits.DEFAULT.withCanvasSizes(SIZES);
    static final int[] RED = {200, 40, 90};

    record Run(StylizeResult result, Recorder recorder) {}

    static Run run(Mode mode, RgbImage reference, RgbImage target, RgbImage mask, PipelineLimits limits) {
        Recorder rec = new Recorder();
        try (ModelSet set = ModelSet.load(TestModels.imageOnly(), RuntimeConfig.cpu(), rec);
                RunControl control = new RunControl()) {
            JobParams params = new JobParams(3, null, 7L, null, null, null, null, Layout.HORIZONTAL, false, null, null);
            ResolvedParams p = ParamResolver.resolve(mode, params, false, 1);
            StylizeRequest job = new StylizeRequest("job", List.of(new Reference(reference)), target, mask, null, p);
            return new Run(new StylizePipeline(set, limits, EncoderCache.DISABLED).run(job, control,
                    ProgressListener.NONE), rec);
        }
    }

    static long[] hiddenStatesShape(Recorder rec) {
        return rec.last(Component.FILL_TRANSFORMER).shapes().get(Component.TransformerRoles.HIDDEN_STATES);
    }

    @Test
    void compositeCanvasRegionAndMaskScaleWithTheSnappedSize() {
        // [A | B] is 160x64 (2.5:1): the closest size is 256x128, a stretch by 1.6 across and 2 down.
        RgbImage a = TestImages.uniform(64, 64, RED[0], RED[1], RED[2]);
        RgbImage b = TestImages.gradient(96, 64);
        CanvasPlan plan = CanvasPlan.of(Mode.COMPOSITE, Transformer.FILL, a, b, null, Layout.HORIZONTAL, Margins.NONE,
                LIMITS.maxCanvasPixels(), SIZES);
        assertEquals(256, plan.width());
        assertEquals(128, plan.height());
        // A ends at 64 · 1.6 = 102.4: B's region starts at pixel 102, and the mask (all of B) starts there too.
        assertEquals(List.of(102, 0, 154, 128, 96, 64), List.of(plan.regionX(), plan.regionY(), plan.regionWidth(),
                plan.regionHeight(), plan.outputWidth(), plan.outputHeight()));
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 256; x++) {
                assertEquals(x >= 102 ? 1f : 0f, plan.mask()[y * 256 + x], "mask at " + x + "," + y);
            }
        }

        // A above B: 96x96 → 128x128; A ends at 32 · 4/3 = 42.67, so B's rows start at 43.
        RgbImage above = TestImages.uniform(96, 32, RED[0], RED[1], RED[2]);
        CanvasPlan vertical = CanvasPlan.of(Mode.COMPOSITE, Transformer.FILL, above, b, null, Layout.VERTICAL,
                Margins.NONE, LIMITS.maxCanvasPixels(), SIZES);
        assertEquals(List.of(128, 128, 0, 43, 128, 85), List.of(vertical.width(), vertical.height(),
                vertical.regionX(), vertical.regionY(), vertical.regionWidth(), vertical.regionHeight()));
        for (int y = 0; y < 128; y++) {
            assertEquals(y >= 43 ? 1f : 0f, vertical.mask()[y * 128 + 5], "mask at row " + y);
        }
    }

    /**
     * The snapped composite equals inpainting its snapped canvas directly (same reference, seed and mask),
     * then cutting B's region out of that and resizing it to B's size: the crop box is exact.
     */
    @Test
    void snappedCompositeIsTheSnappedCanvasCroppedAtBsRegion() {
        RgbImage a = TestImages.uniform(64, 64, RED[0], RED[1], RED[2]);
        RgbImage b = TestImages.gradient(96, 64);
        float[] bMask = TestImages.lMask(96, 64);
        Run composite = run(Mode.COMPOSITE, a, b, TestImages.maskImage(bMask, 96, 64), LIMITS);

        assertEquals(96, composite.result().image().width());
        assertEquals(64, composite.result().image().height());
        assertEquals(128, composite.result().imageTokens());
        assertArrayEquals(new long[] {1, 128, 384}, hiddenStatesShape(composite.recorder()));

        // The same canvas built here: [A | B] and its mask, each resized to 256x128 as the plan does.
        byte[] joined = new byte[160 * 64 * 3];
        byte[] joinedMask = new byte[160 * 64];
        for (int y = 0; y < 64; y++) {
            System.arraycopy(a.rgb(), y * 64 * 3, joined, y * 160 * 3, 64 * 3);
            System.arraycopy(b.rgb(), y * 96 * 3, joined, (y * 160 + 64) * 3, 96 * 3);
            for (int x = 0; x < 96; x++) {
                joinedMask[y * 160 + 64 + x] = (byte) (bMask[y * 96 + x] > 0.5f ? 255 : 0);
            }
        }
        RgbImage canvas = Resampler.resize(RgbImage.of(160, 64, joined), 256, 128, Resampler.Filter.LANCZOS);
        byte[] mask = Resampler.resizePlane(joinedMask, 160, 64, 256, 128, Resampler.Filter.LANCZOS);
        byte[] maskRgb = new byte[mask.length * 3];
        for (int i = 0; i < mask.length; i++) {
            maskRgb[3 * i] = mask[i];
            maskRgb[3 * i + 1] = mask[i];
            maskRgb[3 * i + 2] = mask[i];
        }
        // Already a multiple of 16 under the budget: inpainting it without canvas sizes uses it as it is.
        Run whole = run(Mode.INPAINT, a, canvas, RgbImage.of(256, 128, maskRgb), PipelineLimits.DEFAULT);
        assertEquals(128, whole.result().imageTokens());
        RgbImage expected = Resampler.resize(whole.result().image().crop(102, 0, 154, 128), 96, 64,
                Resampler.Filter.LANCZOS);
        assertEquals(expected, composite.result().image());
    }

    @Test
    void wholeCanvasModesKeepTheirOutputSize() {
        RgbImage b = TestImages.gradient(96, 64); // 3:2
        Run inpaint = run(Mode.INPAINT, b, b, TestImages.maskImage(TestImages.lMask(96, 64), 96, 64), LIMITS);
        assertArrayEquals(new long[] {1, 12 * 8, 384}, hiddenStatesShape(inpaint.recorder())); // 192x128
        assertEquals(List.of(96, 64, 192, 128), List.of(inpaint.result().image().width(),
                inpaint.result().image().height(), inpaint.result().canvasWidth(), inpaint.result().canvasHeight()));

        // Outpaint: 96x64 with 16 px on every side is 128x96 (4:3), nearest 3:2 (192x128, ratio 1.125 off).
        Run outpaint = runOutpaint(b);
        assertArrayEquals(new long[] {1, 12 * 8, 384}, hiddenStatesShape(outpaint.recorder()));
        assertEquals(List.of(128, 96), List.of(outpaint.result().image().width(), outpaint.result().image().height()));
    }

    static Run runOutpaint(RgbImage b) {
        Recorder rec = new Recorder();
        try (ModelSet set = ModelSet.load(TestModels.imageOnly(), RuntimeConfig.cpu(), rec);
                RunControl control = new RunControl()) {
            JobParams params = new JobParams(2, null, 7L, null, null, null, null, null, false, null,
                    new Margins(16, 16, 16, 16));
            ResolvedParams p = ParamResolver.resolve(Mode.OUTPAINT, params, false, 1);
            StylizeRequest job = new StylizeRequest("job", List.of(new Reference(b)), b, null, null, p);
            return new Run(new StylizePipeline(set, LIMITS, EncoderCache.DISABLED).run(job, control,
                    ProgressListener.NONE), rec);
        }
    }
}
