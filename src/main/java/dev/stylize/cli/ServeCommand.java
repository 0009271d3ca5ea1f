package dev.stylize.cli;

import picocli.CommandLine;

/** Listed for help only: {@link Main} hands {@code serve} to Quarkus before picocli runs. */
@CommandLine.Command(name = "serve", description = "Run the worker service (Kafka consumer, health, metrics).")
final class ServeCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalStateException("serve is dispatched by Main");
    }
}
