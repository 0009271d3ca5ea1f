package dev.stylize.cli;

import dev.stylize.analytic.BundledModels;
import dev.stylize.imaging.ImageDecoder;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ParamTable;
import dev.stylize.job.ResolvedParams;
import dev.stylize.job.StylizeException;
import dev.stylize.pipeline.EncoderCache;
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

    @Option(names = "--target", description = "Target image B (all modes but variation).")
    Path target;

    @Option(names = "--mask", description = "Mask over B: white (or opaque) = generate.")
    Path mask;

    @Option(names = "--out", required = true, description = "Output image (.png, .jpg).")
    Path out;

    @Option(names = "--models", description = "Model directory with manifest.json (default: bundled analytic set).")
    Path models;

    @Option(names = "--preview-dir", description = "Where previews go (default: next to --out).")
    Path previewDir;

    @Option(names = "--provider", description = "cpu, cuda or tensorrt for every component (default: the manifest's choice)")
    String provider;

    @Option(names = "--job-id", defaultValue = "local", description = "Seeds the noise when --seed is absent.")
    String jobId;

    @CommandLine.Mixin
    JobParamsOptions params;

    @CommandLine.Mixin
    CanvasSizesOption canvasSizes;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Mode m = Mode.parse(mode);
        PipelineLimits limits = canvasSizes.limits();
        Path dir = models != null ? models : BundledModels.ensure();
        RuntimeConfig config = (provider == null ? RuntimeConfig.followManifest()
                : new RuntimeConfig(Provider.parse(provider), null, 0, null, 0, true))
                .withImageTokens(limits.imageTokens());
        try (ModelSet set = ModelSet.load(dir, config, null);
                RunControl control = new RunControl()) {
            ResolvedParams resolved = ParamResolver.resolve(m, params.jobParams(), set.has(Component.DEV_TRANSFORMER),
                    GaussianNoise.seedFromJobId(jobId));
            StylizeRequest job = new StylizeRequest(jobId, references(limits), targetImage(m, limits),
                    mask == null ? null : read(mask, limits), params.prompt, resolved);
            // Ctrl-C stops the job inside the running step instead of waiting for it.
            Thread onInterrupt = new Thread(control::cancel);
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            StylizeResult result;
            try {
                result = new StylizePipeline(set, limits, EncoderCache.DISABLED)
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

    private List<Reference> references(PipelineLimits limits) throws IOException {
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            weights.add(params.weight(i) == null ? ParamTable.WEIGHT.defaultValue().fixed() : params.weight(i));
        }
        ParamResolver.checkReferences(weights);
        ParamResolver.checkEmbedsScales(params.perReference(params.referencePromptEmbedsScales, references.size()),
                params.perReference(params.referencePooledPromptEmbedsScales, references.size()), params.blend());
        List<Reference> refs = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            String maskArg = params.referenceMask(i);
            RgbImage refMask = maskArg == null ? null : read(Path.of(maskArg), limits);
            Reference ref = new Reference(read(references.get(i), limits), weights.get(i), refMask);
            Double prompt = params.promptEmbedsScale(i);
            Double pooled = params.pooledPromptEmbedsScale(i);
            refs.add(ref.withEmbedsScales(
                    prompt == null ? ParamTable.PROMPT_EMBEDS_SCALE.defaultValue().fixed() : prompt,
                    pooled == null ? ParamTable.POOLED_PROMPT_EMBEDS_SCALE.defaultValue().fixed() : pooled));
        }
        return refs;
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
        if (params.previewEvery == null || params.previewEvery <= 0) {
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
