package dev.stylize.pipeline;

import dev.stylize.imaging.MaskReader;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.HostTensor;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.RunControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Redux style tokens (docs/pipeline.md#redux-tokens): SigLIP → projector per reference, then the content-leakage
 * controls, in this order per reference: down-sample the 27×27 grid by k (area bins), keep only
 * the tokens whose patch touches the reference mask (after down-sampling, a bin is kept if any of
 * its patches is), multiply by the reference weight. {@link ReferenceConditioning} blends them.
 */
final class ReduxEncoder {
    private ReduxEncoder() {}

    /** Returns each reference's (count_i × textWidth) tokens, in reference order. */
    static List<float[]> encode(ModelSet models, List<Reference> references, ResolvedParams p, RunControl control,
            EncoderCache cache) {
        ModelManifest.Constants constants = models.constants();
        List<float[]> perReference = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            Reference ref = references.get(i);
            float[] tokens = tokens(models, ref, constants, control, cache);
            boolean[] keep = ref.mask() == null ? null : patchMask(ref, constants);
            if (p.reduxDownsample() > 1) {
                tokens = ReduxTokens.downsample(tokens, constants.textWidth(), p.reduxDownsample());
                keep = keep == null ? null : ReduxTokens.downsampleMask(keep, p.reduxDownsample());
            }
            if (keep != null) {
                tokens = ReduxTokens.keep(tokens, constants.textWidth(), keep);
                if (tokens.length == 0) {
                    throw new StylizeException(ErrorCode.EMPTY_MASK, "reference[" + i + "].mask covers no SigLIP patch");
                }
            }
            perReference.add(ReduxTokens.scale(tokens, (float) ref.weight()));
        }
        return perReference;
    }

    /**
     * The reference's Redux tokens before any leakage control: taken along with it from the cache, looked
     * up by its identity, or computed (and stored when it has an identity). The leakage controls below
     * never write into them (a cached array is shared).
     */
    private static float[] tokens(ModelSet models, Reference ref, ModelManifest.Constants constants, RunControl control,
            EncoderCache cache) {
        if (ref.tokens() != null) {
            return ref.tokens();
        }
        if (ref.identity() == null) {
            return project(models, ref, constants, control);
        }
        return cache.redux(cacheKey(models, ref.identity()), () -> project(models, ref, constants, control));
    }

    /** The cache key of a reference's tokens: the graphs that compute them and the image's identity. */
    static String cacheKey(ModelSet models, String identity) {
        var components = models.directory().manifest().components();
        return components.get(Component.SIGLIP.key()).sha256() + "/" + components.get(Component.REDUX.key()).sha256()
                + "/" + identity;
    }

    private static float[] project(ModelSet models, Reference ref, ModelManifest.Constants constants,
            RunControl control) {
        int size = constants.siglipImageSize();
        int grid = size / constants.siglipPatchSize();
        ModelSession siglip = models.session(Component.SIGLIP);
        float[] hidden;
        try (HostTensor px = siglip.input(Component.SiglipRoles.PIXEL_VALUES, SiglipPreprocess.pixelValues(ref.image(), size), 1, 3, size, size)) {
            hidden = siglip.run(Map.of(Component.SiglipRoles.PIXEL_VALUES, px), control)
                    .get(Component.SiglipRoles.LAST_HIDDEN_STATE);
        }
        ModelSession redux = models.session(Component.REDUX);
        try (HostTensor in = redux.input(Component.ReduxRoles.SIGLIP_EMBEDS, hidden, 1, (long) grid * grid,
                constants.siglipWidth())) {
            return redux.run(Map.of(Component.ReduxRoles.SIGLIP_EMBEDS, in), control)
                    .get(Component.ReduxRoles.IMAGE_EMBEDS);
        }
    }

    private static boolean[] patchMask(Reference ref, ModelManifest.Constants constants) {
        float[] m = MaskReader.fromImage(ref.mask());
        // Without the image (tokens from the cache) its fetcher compared the sizes from the cache entry.
        if (ref.image() != null
                && (ref.mask().width() != ref.image().width() || ref.mask().height() != ref.image().height())) {
            throw new StylizeException(ErrorCode.MASK_SIZE_MISMATCH, "reference mask is " + ref.mask().width() + "x"
                    + ref.mask().height() + " but its image is " + ref.image().width() + "x" + ref.image().height());
        }
        float[] m384 = SiglipPreprocess.mask(m, ref.mask().width(), ref.mask().height(), constants.siglipImageSize());
        return ReduxTokens.patchMask(m384, constants.siglipImageSize(), constants.siglipPatchSize());
    }
}
