package dev.stylize.cli;

import dev.stylize.analytic.BundledModels;
import dev.stylize.imaging.ImageEncoder;
import dev.stylize.imaging.RgbImage;
import dev.stylize.job.JobParams;
import dev.stylize.job.Mode;
import dev.stylize.job.ParamResolver;
import dev.stylize.job.ResolvedParams;
import dev.stylize.pipeline.PipelineLimits;
import dev.stylize.pipeline.Reference;
import dev.stylize.pipeline.StageBenchmark;
import dev.stylize.pipeline.StylizeRequest;
import dev.stylize.runtime.Component;
import dev.stylize.runtime.ModelSession;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.Provider;
import dev.stylize.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Stage timings of one composite job on real tensor shapes (default: 1024² reference + 1024²
 * target → 2048×1024 canvas, 8192 image tokens, 512 + 729 text tokens of width 4096), and the
 * share of each step spent outside session.run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark the pipeline's stages.",
        subcommands = {ThroughputCommand.class, OverheadCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--models", description = "Model directory (default: bundled analytic set).")
    Path models;

    @Option(names = "--size", defaultValue = "1024", description = "Side of the square reference and target.")
    int size;

    @Option(names = "--steps", defaultValue = "8")
    int steps;

    @Option(names = "--runs", defaultValue = "2", description = "Measured runs after one warm-up.")
    int runs;

    @Option(names = "--provider", description = "Run every component on this provider (cpu, cuda, tensorrt);"
            + " default: each component's manifest provider.")
    String provider;

    @Option(names = "--simulate-gpu", description = {"Cost-profile model sets only (models generate --profile"
            + " production-costs): components whose manifest provider is a GPU one run their cheap graph on the CPU"
            + " and then wait for their modelled time, leaving the CPU free as a GPU stage would."})
    boolean simulateGpu;

    @CommandLine.Mixin
    CanvasSizesOption canvasSizes;

    @Override
    public Integer call() {
        Path dir = models != null ? models : BundledModels.ensure();
        PipelineLimits limits = canvasSizes.limits();
        RuntimeConfig config = (provider == null ? RuntimeConfig.followManifest()
                : new RuntimeConfig(Provider.parse(provider), null, 0, null, 0, true)).withSimulatedGpu(simulateGpu)
                .withImageTokens(limits.imageTokens());
        try (ModelSet set = ModelSet.load(dir, config, null)) {
            List<String> simulated = Arrays.stream(Component.values())
                    .filter(c -> set.optional(c).map(ModelSession::simulatedGpu).orElse(false))
                    .map(Component::key).toList();
            if (!simulated.isEmpty()) {
                System.out.println("GPU simulated by waiting: " + String.join(", ", simulated));
            }
            RgbImage a = gradient(size, size, 0);
            RgbImage b = gradient(size, size, 1);
            ResolvedParams p = ParamResolver.resolve(Mode.COMPOSITE,
                    new JobParams(steps, null, 42L, null, null, null, null, null, null, null, null),
                    set.has(Component.DEV_TRANSFORMER), 42L);
            StylizeRequest job = new StylizeRequest("bench", List.of(new Reference(a)), b, null, null, p);
            StageBenchmark bench = new StageBenchmark(set, limits);
            bench.run(job); // warm-up: first runs allocate and optimize
            for (int r = 1; r <= runs; r++) {
                StageBenchmark.Report report = bench.run(job);
                long t0 = System.nanoTime();
                ImageEncoder.encode(report.image(), "png", 0.95f);
                long encodeMs = (System.nanoTime() - t0) / 1_000_000;
                print(r, report, encodeMs);
            }
        }
        return 0;
    }

    private static void print(int run, StageBenchmark.Report r, long encodeMs) {
        System.out.printf(Locale.ROOT, "run %d: canvas %dx%d, %d image tokens, %d text tokens%n", run,
                r.canvasWidth(), r.canvasHeight(), r.imageTokens(), r.textTokens());
        for (Map.Entry<String, Double> e : r.stagesMs().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-28s %10.1f ms%n", e.getKey(), e.getValue());
        }
        System.out.printf(Locale.ROOT, "  %-28s %10d ms%n", "encode (png)", encodeMs);
        for (int i = 0; i < r.stepMs().length; i++) {
            System.out.printf(Locale.ROOT, "  step %2d: %8.1f ms total, %7.2f ms outside session.run%n", i + 1,
                    r.stepMs()[i], r.stepOutsideMs()[i]);
        }
        System.out.printf(Locale.ROOT, "  total %.1f ms, session.run %.1f ms, overhead ratio %.4f%n", r.totalMs(),
                r.sessionRunMs(), (r.totalMs() - r.sessionRunMs()) / r.sessionRunMs());
    }

    static RgbImage gradient(int w, int h, int variant) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                rgb[i] = (byte) (variant == 0 ? 255 * x / w : 40);
                rgb[i + 1] = (byte) (255 * y / h);
                rgb[i + 2] = (byte) (variant == 0 ? 200 : 255 * (w - x) / w);
            }
        }
        return new RgbImage(w, h, rgb, null);
    }
}
