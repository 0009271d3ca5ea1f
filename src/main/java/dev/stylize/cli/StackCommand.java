package dev.stylize.cli;

import dev.stylize.embedded.EmbeddedStack;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stack [--data DIR]}: a Kafka broker and an S3 server on 127.0.0.1 for development, no
 * Docker. Prints the settings as {@code NAME=value} lines on stdout and runs until killed (Ctrl-C,
 * SIGTERM), then stops both cleanly.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"Run a local Kafka broker and S3 server (child JVMs, 127.0.0.1 only) until killed.",
                "Prints KAFKA_BOOTSTRAP_SERVERS, S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY lines on stdout."})
final class StackCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory, kept across runs (default: a temporary one, deleted at exit).")
    Path data;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedStack stack = data == null ? EmbeddedStack.start() : EmbeddedStack.start(data);
        // EmbeddedStack's own shutdown hook stops both children when this JVM is told to exit.
        for (String line : stack.envLines()) {
            System.out.println(line);
        }
        System.out.flush();
        System.err.println("stack up (data " + stack.dataDir() + "); Ctrl-C or SIGTERM to stop");
        new CountDownLatch(1).await();
        return 0;
    }
}
