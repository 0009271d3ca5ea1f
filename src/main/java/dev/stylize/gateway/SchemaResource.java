package dev.stylize.gateway;

import dev.stylize.job.MessageSchemas;
import dev.stylize.worker.WorkerConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The contract's JSON Schemas, as the worker validates against them: the bodies the OpenAPI document
 * refers to ({@code $ref: /schemas/<name>}), so a client generator gets the exact contract.
 */
@Path(SchemaResource.PATH)
public class SchemaResource {
    static final String PATH = "/schemas";

    @Inject
    WorkerConfig service;

    @GET
    @Path("{name}")
    @Produces("application/schema+json")
    @Operation(summary = "A JSON Schema of the message contract (stylize-request.v1.schema.json, …)")
    public Response schema(@PathParam("name") String name) throws IOException {
        if (service.role() != WorkerConfig.Role.GATEWAY || !MessageSchemas.ALL.contains(name)) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        try (InputStream in = SchemaResource.class.getResourceAsStream(MessageSchemas.CLASSPATH_DIR + name)) {
            return Response.ok(in.readAllBytes()).build();
        }
    }
}
