package dev.stylize.pipeline;

import dev.stylize.imaging.MaskReader;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.ReferenceBlend;
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
 * Redux style tokens (spec §2): SigLIP → projector per reference, then the content-leakage
 * controls, in this order per reference: down-sample the 27×27 grid by k (area bins), keep only
 * the tokens whose patch touches the reference mask (after down-sampling, a bin is kept if any of
 * its patches is), multiply by the reference weight; then blend the references (concat or sum) and
 * multiply everything by reduxStrength.
 */
final class ReduxEncoder {
    private ReduxEncoder() {}

    /** Returns (count × textWidth) tokens. */
    static float[] encode(ModelSet models, List<Reference> references, ResolvedParams p, RunControl control) {
        ModelManifest.Constants k = models.constants();
        List<float[]> perReference = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            Reference ref = references.get(i);
            float[] tokens = project(models, ref, k, control);
            boolean[] keep = ref.mask() == null ? null : patchMask(ref, k);
            if (p.reduxDownsample() > 1) {
                tokens = ReduxTokens.downsample(tokens, k.textWidth(), p.reduxDownsample());
                keep = keep == null ? null : ReduxTokens.downsampleMask(keep, p.reduxDownsample());
            }
            if (keep != null) {
                tokens = ReduxTokens.keep(tokens, k.textWidth(), keep);
                if (tokens.length == 0) {
                    throw new StylizeException(ErrorCode.EMPTY_MASK, "reference[" + i + "].mask covers no SigLIP patch");
                }
            }
            perReference.add(ReduxTokens.scale(tokens, (float) ref.weight()));
        }
        float[] blended;
        if (p.referenceBlend() == ReferenceBlend.SUM) {
            int len = perReference.get(0).length;
            for (float[] t : perReference) {
                if (t.length != len) {
                    throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE,
                            "referenceBlend=sum needs the same token count per reference; reference masks differ");
                }
            }
            blended = ReduxTokens.sum(perReference, k.textWidth());
        } else {
            blended = ReduxTokens.concat(perReference);
        }
        return ReduxTokens.scale(blended, (float) p.reduxStrength());
    }

    private static float[] project(ModelSet models, Reference ref, ModelManifest.Constants k, RunControl control) {
        int size = k.siglipImageSize();
        int grid = size / k.siglipPatchSize();
        ModelSession siglip = models.session(Component.SIGLIP);
        float[] hidden;
        try (HostTensor px = siglip.input("pixel_values", SiglipPreprocess.pixelValues(ref.image(), size), 1, 3, size, size)) {
            hidden = siglip.run(Map.of("pixel_values", px), control).get("last_hidden_state");
        }
        ModelSession redux = models.session(Component.REDUX);
        try (HostTensor in = redux.input("siglip_embeds", hidden, 1, (long) grid * grid, k.siglipWidth())) {
            return redux.run(Map.of("siglip_embeds", in), control).get("image_embeds");
        }
    }

    private static boolean[] patchMask(Reference ref, ModelManifest.Constants k) {
        float[] m = MaskReader.fromImage(ref.mask());
        if (ref.mask().width() != ref.image().width() || ref.mask().height() != ref.image().height()) {
            throw new StylizeException(ErrorCode.MASK_SIZE_MISMATCH, "reference mask is " + ref.mask().width() + "x"
                    + ref.mask().height() + " but its image is " + ref.image().width() + "x" + ref.image().height());
        }
        float[] m384 = SiglipPreprocess.mask(m, ref.mask().width(), ref.mask().height(), k.siglipImageSize());
        return ReduxTokens.patchMask(m384, k.siglipImageSize(), k.siglipPatchSize());
    }
}
