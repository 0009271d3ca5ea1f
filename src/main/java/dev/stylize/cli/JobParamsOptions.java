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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job parameters and per-reference settings as options, shared by {@code run} (local files) and
 * {@code submit} (through Kafka) so both take the same flags. Absent options stay null: the mode's
 * default applies ({@link dev.stylize.job.ParamResolver}); help, ranges and defaults are
 * {@link dev.stylize.job.ParamTable}'s.
 */
@Command(resourceBundle = "dev.stylize.cli.JobParamsHelp")
final class JobParamsOptions {
    // Options that are rows of ParamTable take their help from it (JobParamsHelp): no description here.
    @Option(names = "--reference-weight")
    List<Double> referenceWeights = new ArrayList<>();

    @Option(names = "--reference-prompt-embeds-scale")
    List<Double> referencePromptEmbedsScales = new ArrayList<>();

    @Option(names = "--reference-pooled-prompt-embeds-scale")
    List<Double> referencePooledPromptEmbedsScales = new ArrayList<>();

    @Option(names = "--reference-mask", description = "Mask per reference, in --reference order ('-' for none).")
    List<String> referenceMasks = new ArrayList<>();

    @Option(names = "--steps")
    Integer steps;

    @Option(names = "--seed")
    Long seed;

    @Option(names = "--guidance")
    Double guidance;

    @Option(names = "--strength")
    Double strength;

    @Option(names = "--redux-strength")
    Double reduxStrength;

    @Option(names = "--redux-downsample")
    Integer reduxDownsample;

    @Option(names = "--reference-blend")
    String referenceBlend;

    @Option(names = "--posterior")
    String posterior;

    @Option(names = "--prompt", description = "Text prompt (needs a model set with a text encoder).")
    String prompt;

    @Option(names = "--layout")
    String layout;

    @Option(names = "--paste-back", negatable = true)
    Boolean pasteBack;

    @Option(names = "--outpaint", split = ",")
    List<Integer> outpaint;

    @Option(names = "--preview-every")
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
