package dev.stylize.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stylize.job.JobJson;
import dev.stylize.worker.WorkerConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The gateway's web page: pick or upload the images, paint a mask, submit, watch progress and previews,
 * get the result. One static file (no front-end build) that speaks only the public /v1 API.
 */
@Path("/")
public class WebPage {
    private static final String PAGE = read("/web/index.html");

    @Inject
    WorkerConfig service;

    @Inject
    GatewayConfig config;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response page() throws JsonProcessingException {
        if (service.role() != WorkerConfig.Role.GATEWAY) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        // Outputs go where the gateway puts uploads: a bucket the worker is known to be allowed to write.
        String bucket = JobJson.mapper().writeValueAsString(config.uploadBucket());
        return Response.ok(PAGE.replace("\"__OUTPUT_BUCKET__\"", bucket)).build();
    }

    private static String read(String resource) {
        try (InputStream in = WebPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
