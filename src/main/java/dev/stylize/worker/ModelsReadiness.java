package dev.stylize.worker;

import dev.stylize.runtime.ModelSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the model set is loaded (the broker's part of readiness comes from the Kafka connector). */
@Readiness
@ApplicationScoped
public class ModelsReadiness implements HealthCheck {
    @Inject
    ModelSet models;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("models").up()
                .withData("id", models.directory().manifest().id())
                .withData("manifestSha256", models.directory().manifestSha256())
                .build();
    }
}
