package dev.stylize.cli;

import picocli.CommandLine;

/** Listed for help only: {@link Main} hands {@code gateway} to Quarkus (profile gateway) before picocli runs. */
@CommandLine.Command(name = "gateway", description = "Run the HTTP gateway (REST + Server-Sent Events over the "
        + "job topics; no models, consumes no requests).")
final class GatewayCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalStateException("gateway is dispatched by Main");
    }
}
