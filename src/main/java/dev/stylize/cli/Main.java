package dev.stylize.cli;

import dev.stylize.client.JobExit;
import dev.stylize.runtime.Offline;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Entry point of the jar. Only {@code serve} and {@code gateway} start the Quarkus runtime (Kafka, HTTP); the local
 * commands ({@code run}, {@code models}, {@code bench}) are plain picocli and open no socket; the terminal
 * client ({@code submit}, {@code watch}, {@code status}, {@code cancel}) talks to Kafka and S3 without Quarkus.
 */
@QuarkusMain
public class Main {
    /** The config profile of the {@code gateway} command (application.properties). */
    public static final String GATEWAY_PROFILE = "gateway";

    public static void main(String... args) {
        Offline.enforce();
        if (args.length > 0 && args[0].equals("serve")) {
            Quarkus.run(Worker.class, Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("gateway")) {
            // Same application, gateway profile (application.properties %gateway): the worker's channels and
            // start-up beans off, the gateway's reader and resources on. Profiles are read at run time.
            System.setProperty("quarkus.profile", GATEWAY_PROFILE);
            Quarkus.run(Worker.class, Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Root());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        // The job exit codes are defined once (JobExit) and listed in the help of each command that uses them.
        for (String name : new String[] {"submit", "watch", "status"}) {
            cl.getSubcommands().get(name).getCommandSpec().usageMessage()
                    .exitCodeListHeading("%nExit codes:%n").exitCodeList(JobExit.helpList());
        }
        return cl;
    }

    @CommandLine.Command(name = "stylize-worker", mixinStandardHelpOptions = true,
            description = "FLUX.1 Redux + Fill stylization worker.",
            subcommands = {RunCommand.class, ModelsCommand.class, BenchCommand.class, ServeCommand.class,
                    GatewayCommand.class, StackCommand.class, DemoCommand.class, SubmitCommand.class, WatchCommand.class,
                    StatusCommand.class, CancelCommand.class})
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    /** The worker or the gateway, started by Quarkus; the Kafka consumers run in their own beans. */
    public static final class Worker implements QuarkusApplication {
        @Override
        public int run(String... args) {
            Quarkus.waitForExit();
            return 0;
        }
    }
}
