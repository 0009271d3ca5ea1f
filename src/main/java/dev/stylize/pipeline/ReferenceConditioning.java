package dev.stylize.pipeline;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.ReferenceBlend;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.ModelManifest;
import java.util.ArrayList;
import java.util.List;

/**
 * The transformer's conditioning from the text embeddings and each reference's Redux tokens:
 * {@code encoder_hidden_states} (text rows first, docs/pipeline.md#conditioning-sequence) and {@code pooled_projections}, blended as
 * {@link ReferenceBlend} defines (docs/pipeline.md#redux-strength-controls). All products and sums in float32, references in list order.
 */
final class ReferenceConditioning {
    /**
     * @param sequence (rows × textWidth)
     * @param pooled   (pooledWidth)
     */
    record Result(float[] sequence, float[] pooled) {}

    private ReferenceConditioning() {}

    /**
     * @param redux each reference's tokens after down-sampling, mask and weight ({@link ReduxEncoder#encode})
     */
    static Result of(TextEncoder.Embeddings text, List<float[]> redux, List<Reference> references, ResolvedParams p,
            ModelManifest.Constants constants) {
        float s = (float) p.reduxStrength();
        return switch (p.referenceBlend()) {
            case CONCAT -> new Result(
                    ReduxTokens.appendToText(text.sequence(), ReduxTokens.concat(redux), s),
                    text.pooled());
            case SUM -> {
                requireSameTokenCount(redux, "sum");
                float[] summed = ReduxTokens.sum(redux, constants.textWidth());
                yield new Result(ReduxTokens.appendToText(text.sequence(), summed, s), text.pooled());
            }
            case SUM_CONDITIONING -> {
                requireSameTokenCount(redux, "sum_conditioning");
                List<float[]> sequences = new ArrayList<>();
                List<float[]> pooled = new ArrayList<>();
                for (int i = 0; i < redux.size(); i++) {
                    Reference ref = references.get(i);
                    float[] own = ReduxTokens.appendToText(text.sequence(), redux.get(i), s);
                    sequences.add(ReduxTokens.scale(own, (float) ref.promptEmbedsScale()));
                    pooled.add(ReduxTokens.scale(text.pooled(), (float) ref.pooledPromptEmbedsScale()));
                }
                yield new Result(ReduxTokens.sum(sequences, constants.textWidth()),
                        ReduxTokens.sum(pooled, constants.pooledWidth()));
            }
        };
    }

    /** Summing needs equal shapes: reference masks can leave different token counts. */
    private static void requireSameTokenCount(List<float[]> redux, String blend) {
        int len = redux.get(0).length;
        for (float[] t : redux) {
            if (t.length != len) {
                throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, "referenceBlend=" + blend
                        + " needs the same token count per reference; reference masks differ");
            }
        }
    }
}
