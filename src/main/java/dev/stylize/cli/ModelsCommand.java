package dev.stylize.cli;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.analytic.CostModel;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ComponentSmoke;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.Provider;
import dev.stylize.runtime.RuntimeConfig;
import dev.stylize.storage.ModelSync;
import dev.stylize.storage.ObjectStore;
import dev.stylize.storage.S3Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Model directory tools. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Generate, check, pull or push model directories.",
        subcommands = {ModelsCommand.Generate.class, ModelsCommand.Check.class, ModelsCommand.Pull.class,
                ModelsCommand.Push.class})
final class ModelsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write the analytic reference model set (closed-form test models).")
    static final class Generate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--profile", defaultValue = "analytic", paramLabel = "PROFILE",
                description = {"analytic (default): cheap graphs, every provider cpu.",
                        "production-costs: the same outputs, but each component burns CPU in the proportions of the"
                                + " real FLUX stage at 2048x1024 (x TIME_SCALE), with the production providers and"
                                + " the modelled cost in the manifest (docs/cost-model.md)."})
        String profile;

        @Option(names = "--precision", defaultValue = "f32", description = "f32 or f16 (mixed float16 set)")
        String precision;

        @Option(names = "--no-text-encoders", description = "Leave out T5 and CLIP.")
        boolean noText;

        @Option(names = "--no-dev", description = "Leave out the dev (64-channel) transformer.")
        boolean noDev;

        @Option(names = "--no-vae-logvar",
                description = "VAE encoder without the logvar output (only posterior 'mean' works then).")
        boolean noVaeLogvar;

        @Option(names = "--slow-size", defaultValue = "0", description = "Side of the extra matrix per step (0 = fast).")
        int slowSize;

        @Option(names = "--slow-repeats", defaultValue = "0", description = "Extra MatMuls per step.")
        int slowRepeats;

        @Override
        public Integer call() throws IOException {
            boolean f16 = precision.equalsIgnoreCase("f16");
            boolean costs = switch (profile) {
                case "analytic" -> false;
                case "production-costs" -> true;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown profile '" + profile + "' (analytic, production-costs)");
            };
            String id = (costs ? "analytic-production-costs" : "analytic") + (f16 ? "-f16" : costs ? "" : "-f32");
            AnalyticModels.Options o = new AnalyticModels.Options(id,
                    f16 ? AnalyticModels.Precision.FLOAT16_MIXED : AnalyticModels.Precision.FLOAT32,
                    !noText, !noDev, slowSize, slowRepeats, costs, !noVaeLogvar);
            ModelManifest m = AnalyticModels.write(out, o);
            System.out.println("wrote model set '" + m.id() + "' (" + m.components().keySet() + ") to " + out);
            if (costs) {
                CostModel.table().forEach(System.out::println);
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load a model directory: files, sha256 and every graph's I/O against the contract.")
    static final class Check implements Callable<Integer> {
        @Option(names = "--models", required = true)
        Path models;

        @Option(names = "--smoke", description = "Then run every component once on small inputs (a 64x64 canvas) and"
                + " print its outputs' shapes, dtypes, value range and time; exit 1 if one fails or is not finite.")
        boolean smoke;

        @Option(names = "--provider", description = "Execution provider for the smoke run (cpu, cuda, tensorrt);"
                + " default: cpu.")
        String provider;

        @Override
        public Integer call() {
            RuntimeConfig runtime = provider == null ? RuntimeConfig.cpu()
                    : new RuntimeConfig(Provider.parse(provider), Map.of(), 0, null, 0, true);
            try (ModelSet set = ModelSet.load(models, runtime, null)) {
                System.out.println("ok: model set '" + set.directory().manifest().id() + "' manifest sha256 "
                        + set.directory().manifestSha256());
                if (!smoke) {
                    return 0;
                }
                boolean allOk = true;
                for (ComponentSmoke.Report r : ComponentSmoke.run(set)) {
                    System.out.println(SmokeText.line(r));
                    allOk &= r.ok();
                }
                System.out.println(allOk ? "smoke: ok" : "smoke: FAILED");
                return allOk ? 0 : 1;
            }
        }
    }

    /** S3 settings from the worker's environment variables (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION). */
    static ObjectStore objectStore() {
        try {
            return new ObjectStore(S3Settings.fromEnv(System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, e.getMessage()
                    + " (set S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY)", e);
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Download a model directory from S3, verifying every file's sha256 against the manifest.",
                    "Files already in DIR with the right sha256 are reused; the new directory appears in one rename,"
                            + " complete, or not at all. S3 settings: S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY"
                            + " (as the worker)."})
    static final class Pull implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "s3://BUCKET/PREFIX")
        String from;

        @Option(names = "--to", required = true, paramLabel = "DIR",
                description = "Target directory; its parent must be writable (a subdirectory of the volume).")
        Path to;

        @Option(names = "--attempts", defaultValue = "3", description = "Downloads per file before a checksum"
                + " mismatch fails the pull (default ${DEFAULT-VALUE}).")
        int attempts;

        @Override
        public Integer call() {
            try (ObjectStore store = objectStore()) {
                ModelSync.Report r = new ModelSync(store, attempts).pull(ModelSync.Location.parse(from), to);
                System.out.println("ok: model set '" + r.modelId() + "' in " + r.directory() + ": " + r.downloaded()
                        + " downloaded (" + r.bytesDownloaded() + " bytes, " + r.refetched() + " re-fetched), "
                        + r.reused() + " reused; manifest sha256 " + r.manifestSha256());
            }
            return 0;
        }
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Upload a model directory to S3 (every sha256 verified first; the manifest last).")
    static final class Push implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "DIR")
        Path from;

        @Option(names = "--to", required = true, paramLabel = "s3://BUCKET/PREFIX")
        String to;

        @Override
        public Integer call() {
            try (ObjectStore store = objectStore()) {
                int n = new ModelSync(store, 1).push(from, ModelSync.Location.parse(to));
                System.out.println("ok: " + n + " files uploaded to " + to);
            }
            return 0;
        }
    }
}
