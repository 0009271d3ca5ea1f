package dev.stylize.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the reader has its partitions and sits at their end (only in the gateway: application.properties
 * enables this check in the {@code gateway} profile and the models check outside it).
 */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {
    @Inject
    JobEventHub hub;

    @Override
    public HealthCheckResponse call() {
        boolean up = hub.positioned();
        return HealthCheckResponse.named("gateway-reader").status(up)
                .withData("subscribers", up ? hub.fanOut().subscribers() : 0)
                .withData("jobs", up ? hub.fanOut().jobs() : 0)
                .build();
    }
}
