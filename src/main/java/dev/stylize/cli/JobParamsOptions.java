package dev.stylize.cli;

import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobParams;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Posterior;
import dev.stylize.job.ReferenceBlend;
import dev.stylize.job.StylizeException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The job parameters and per-reference settings as options, shared by {@code run} (local files) and
 * {@code submit} (through Kafka) so both take the same flags. Absent options stay null: the mode's
 * default applies ({@link dev.stylize.job.ParamResolver}).
 */
final class JobParamsOptions {
    @Option(names = "--reference-weight", description = "Weight per reference, in --reference order (default 1).")
    List<Double> referenceWeights = new ArrayList<>();

    @Option(names = "--reference-prompt-embeds-scale", description = "Per reference, in --reference order"
            + " (default 1): multiplies its whole [T5 | Redux] sequence before the sum; needs --reference-blend"
            + " sum_conditioning (diffusers prompt_embeds_scale).")
    List<Double> referencePromptEmbedsScales = new ArrayList<>();

    @Option(names = "--reference-pooled-prompt-embeds-scale", description = "Per reference, in --reference order"
            + " (default 1): multiplies its copy of the pooled CLIP vector before the sum; needs --reference-blend"
            + " sum_conditioning (diffusers pooled_prompt_embeds_scale).")
    List<Double> referencePooledPromptEmbedsScales = new ArrayList<>();

    @Option(names = "--reference-mask", description = "Mask per reference, in --reference order ('-' for none).")
    List<String> referenceMasks = new ArrayList<>();

    @Option(names = "--steps")
    Integer steps;

    @Option(names = "--seed")
    Long seed;

    @Option(names = "--guidance")
    Double guidance;

    @Option(names = "--strength", description = "img2img strength in (0,1].")
    Double strength;

    @Option(names = "--redux-strength", description = "Multiplies every Redux token (ComfyUI style strength).")
    Double reduxStrength;

    @Option(names = "--redux-downsample", description = "Average the 27x27 Redux grid to floor(27/k)^2 tokens.")
    Integer reduxDownsample;

    @Option(names = "--reference-blend", description = "concat (ComfyUI chaining, default), sum (Redux tokens"
            + " summed, text once) or sum_conditioning (diffusers FluxPriorReduxPipeline: whole sequences and"
            + " pooled vectors scaled per reference, then summed)")
    String referenceBlend;

    @Option(names = "--posterior", description = "VAE posterior for the masked-image and init latents: mean (default,"
            + " as BFL) or sample (as diffusers; noise from the seed; needs a VAE encoder with a logvar output)")
    String posterior;

    @Option(names = "--prompt")
    String prompt;

    @Option(names = "--layout", description = "horizontal or vertical (composite)")
    String layout;

    @Option(names = "--paste-back", negatable = true, description = "Keep original pixels outside the mask.")
    Boolean pasteBack;

    @Option(names = "--outpaint", split = ",", description = "left,right,top,bottom margins in pixels")
    List<Integer> outpaint;

    @Option(names = "--preview-every", description = "Write a latent preview every N steps.")
    Integer previewEvery;

    JobParams jobParams() {
        Margins margins = null;
        if (outpaint != null) {
            if (outpaint.size() != 4) {
                throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, "--outpaint takes left,right,top,bottom");
            }
            margins = new Margins(outpaint.get(0), outpaint.get(1), outpaint.get(2), outpaint.get(3));
        }
        return new JobParams(steps, guidance, seed, strength, reduxStrength, reduxDownsample, blend(),
                layout == null ? null : Layout.parse(layout), pasteBack, previewEvery, margins,
                posterior == null ? null : Posterior.parse(posterior));
    }

    ReferenceBlend blend() {
        return referenceBlend == null ? null : ReferenceBlend.parse(referenceBlend);
    }

    /** The weight of reference {@code i} (null: not given, the default applies). */
    Double weight(int i) {
        return at(referenceWeights, i);
    }

    Double promptEmbedsScale(int i) {
        return at(referencePromptEmbedsScales, i);
    }

    Double pooledPromptEmbedsScale(int i) {
        return at(referencePooledPromptEmbedsScales, i);
    }

    /** The mask argument of reference {@code i}; null for none ("-" or not given). */
    String referenceMask(int i) {
        String m = at(referenceMasks, i);
        return m == null || m.equals("-") ? null : m;
    }

    /** One value per reference: the given ones in order, null (default) for the rest. */
    List<Double> perReference(List<Double> given, int references) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < references; i++) {
            out.add(at(given, i));
        }
        return out;
    }

    private static <T> T at(List<T> values, int i) {
        return i < values.size() ? values.get(i) : null;
    }
}
