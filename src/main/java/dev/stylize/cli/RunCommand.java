package dev.stylize.cli;

import dev.stylize.analytic.BundledModels;
import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.JobParams;
import dev.stylize.job.Layout;
import dev.stylize.job.Margins;
import dev.stylize.job.Mode;
import dev.stylize.job.ModeDefaults;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.Posterior;
import dev.stylize.job.ReferenceBlend;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.GaussianNoise;
import dev.stylize.pipeline.PipelineLimits;
import dev.stylize.pipeline.ProgressListener;
import dev.stylize.pipeline.Reference;
import dev.stylize.pipeline.StylizePipeline;
import dev.stylize.pipeline.StylizeRequest;
import dev.stylize.pipeline.StylizeResult;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.Provider;
import dev.stylize.runtime.RunControl;
import dev.stylize.runtime.RuntimeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One job on local files: no Kafka, no S3, no socket. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run one stylization job on local files.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--mode", defaultValue = "composite", description = "composite, restyle, variation, inpaint, outpaint")
    String mode;

    @Option(names = "--reference", required = true, description = "Reference image (repeat for several).")
    List<Path> references;

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

    @Option(names = "--target", description = "Target image B (all modes but variation).")
    Path target;

    @Option(names = "--mask", description = "Mask over B: white (or opaque) = generate.")
    Path mask;

    @Option(names = "--out", required = true, description = "Output image (.png, .jpg).")
    Path out;

    @Option(names = "--models", description = "Model directory with manifest.json (default: bundled analytic set).")
    Path models;

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

    @Option(names = "--preview-dir", description = "Where previews go (default: next to --out).")
    Path previewDir;

    @Option(names = "--provider", description = "cpu, cuda or tensorrt for every component (default: the manifest's choice)")
    String provider;

    @Option(names = "--job-id", defaultValue = "local", description = "Seeds the noise when --seed is absent.")
    String jobId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Mode m = Mode.parse(mode);
        PipelineLimits limits = PipelineLimits.DEFAULT;
        Path dir = models != null ? models : BundledModels.ensure();
        RuntimeConfig config = provider == null ? RuntimeConfig.followManifest()
                : new RuntimeConfig(Provider.parse(provider), null, 0, null, 0, true);
        try (ModelSet set = ModelSet.load(dir, config, null);
                RunControl control = new RunControl()) {
            ResolvedParams params = ParamResolver.resolve(m, jobParams(), set.has(Component.DEV_TRANSFORMER),
                    GaussianNoise.seedFromJobId(jobId));
            StylizeRequest job = new StylizeRequest(jobId, references(limits), targetImage(m, limits),
                    mask == null ? null : read(mask, limits), prompt, params);
            // Ctrl-C stops the job inside the running step instead of waiting for it.
            Thread onInterrupt = new Thread(control::cancel);
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            StylizeResult result;
            try {
                result = new StylizePipeline(set, limits.maxCanvasPixels())
                        .run(job, control, new ConsoleProgress(err, previewPath()));
            } finally {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            }
            write(result.image(), out);
            err.println();
            err.printf(Locale.ROOT, "wrote %s (%dx%d) seed=%d canvas=%dx%d tokens=%d+%d timings=%s%n", out,
                    result.image().width(), result.image().height(), result.seed(), result.canvasWidth(),
                    result.canvasHeight(), result.imageTokens(), result.textTokens(), result.timingsMs());
            return 0;
        }
    }

    private JobParams jobParams() {
        Margins margins = null;
        if (outpaint != null) {
            if (outpaint.size() != 4) {
                throw new StylizeException(ErrorCode.PARAM_OUT_OF_RANGE, "--outpaint takes left,right,top,bottom");
            }
            margins = new Margins(outpaint.get(0), outpaint.get(1), outpaint.get(2), outpaint.get(3));
        }
        return new JobParams(steps, guidance, seed, strength, reduxStrength, reduxDownsample,
                referenceBlend == null ? null : ReferenceBlend.parse(referenceBlend),
                layout == null ? null : Layout.parse(layout), pasteBack, previewEvery, margins,
                posterior == null ? null : Posterior.parse(posterior));
    }

    private List<Reference> references(PipelineLimits limits) throws IOException {
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            weights.add(i < referenceWeights.size() ? referenceWeights.get(i) : 1.0);
        }
        ParamResolver.checkReferences(weights);
        ParamResolver.checkEmbedsScales(perReference(referencePromptEmbedsScales),
                perReference(referencePooledPromptEmbedsScales),
                referenceBlend == null ? null : ReferenceBlend.parse(referenceBlend));
        List<Reference> refs = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            String maskArg = i < referenceMasks.size() ? referenceMasks.get(i) : "-";
            RgbImage refMask = maskArg.equals("-") ? null : read(Path.of(maskArg), limits);
            Reference ref = new Reference(read(references.get(i), limits), weights.get(i), refMask);
            Double prompt = perReference(referencePromptEmbedsScales).get(i);
            Double pooled = perReference(referencePooledPromptEmbedsScales).get(i);
            refs.add(ref.withEmbedsScales(prompt == null ? ModeDefaults.PROMPT_EMBEDS_SCALE : prompt,
                    pooled == null ? ModeDefaults.POOLED_PROMPT_EMBEDS_SCALE : pooled));
        }
        return refs;
    }

    /** One value per --reference: the given ones in order, null (default) for the rest. */
    private List<Double> perReference(List<Double> given) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            out.add(i < given.size() ? given.get(i) : null);
        }
        return out;
    }

    private RgbImage targetImage(Mode m, PipelineLimits limits) throws IOException {
        if (!m.needsTarget()) {
            return null;
        }
        if (target == null) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, m.wireName() + " needs --target");
        }
        return read(target, limits);
    }

    private Path previewPath() {
        if (previewEvery == null || previewEvery <= 0) {
            return null;
        }
        return previewDir != null ? previewDir : out.toAbsolutePath().getParent();
    }

    static RgbImage read(Path file, PipelineLimits limits) throws IOException {
        try {
            return ImageDecoder.decode(Files.readAllBytes(file), limits.maxInputPixels());
        } catch (NoSuchFileException e) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, "no such file: " + file);
        }
    }

    static void write(RgbImage image, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpeg" : name.endsWith(".webp") ? "webp" : "png";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, ImageEncoder.encode(image, format, 0.95f));
    }

    /** One updating progress line on stderr; previews written as PNGs. */
    private static final class ConsoleProgress implements ProgressListener {
        private final PrintWriter err;
        private final Path previewDir;

        ConsoleProgress(PrintWriter err, Path previewDir) {
            this.err = err;
            this.previewDir = previewDir;
        }

        @Override
        public void onPhase(dev.stylize.job.Phase phase) {
            err.print("\r" + phase + "            ");
            err.flush();
        }

        @Override
        public void onStep(int step, int total, long etaMs, Supplier<RgbImage> preview) {
            err.printf(Locale.ROOT, "\rDENOISING step %d/%d eta %.1fs   ", step, total, etaMs / 1000.0);
            err.flush();
            if (preview != null && previewDir != null) {
                try {
                    write(preview.get(), previewDir.resolve(String.format(Locale.ROOT, "preview-%03d.png", step)));
                } catch (IOException e) {
                    err.println(" (preview not written: " + e.getMessage() + ")");
                }
            }
        }
    }
}
