package dev.stylize.cli;

import dev.stylize.analytic.AnalyticModels;
import dev.stylize.runtime.ModelManifest;
import dev.stylize.runtime.ModelSet;
import dev.stylize.runtime.RuntimeConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Model directory tools. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Generate or check model directories.",
        subcommands = {ModelsCommand.Generate.class, ModelsCommand.Check.class})
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
        @Option(names = "--out", required = true)
        Path out;

        @Option(names = "--precision", defaultValue = "f32", description = "f32 or f16 (mixed float16 set)")
        String precision;

        @Option(names = "--no-text-encoders", description = "Leave out T5 and CLIP.")
        boolean noText;

        @Option(names = "--no-dev", description = "Leave out the dev (64-channel) transformer.")
        boolean noDev;

        @Option(names = "--slow-size", defaultValue = "0", description = "Side of the extra matrix per step (0 = fast).")
        int slowSize;

        @Option(names = "--slow-repeats", defaultValue = "0", description = "Extra MatMuls per step.")
        int slowRepeats;

        @Override
        public Integer call() throws IOException {
            boolean f16 = precision.equalsIgnoreCase("f16");
            AnalyticModels.Options o = new AnalyticModels.Options(f16 ? "analytic-f16" : "analytic-f32",
                    f16 ? AnalyticModels.Precision.FLOAT16_MIXED : AnalyticModels.Precision.FLOAT32,
                    !noText, !noDev, slowSize, slowRepeats);
            ModelManifest m = AnalyticModels.write(out, o);
            System.out.println("wrote model set '" + m.id() + "' (" + m.components().keySet() + ") to " + out);
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load a model directory: files, sha256 and every graph's I/O against the contract.")
    static final class Check implements Callable<Integer> {
        @Option(names = "--models", required = true)
        Path models;

        @Override
        public Integer call() {
            try (ModelSet set = ModelSet.load(models, RuntimeConfig.cpu(), null)) {
                System.out.println("ok: model set '" + set.directory().manifest().id() + "' manifest sha256 "
                        + set.directory().manifestSha256());
            }
            return 0;
        }
    }
}
