package dev.stylize.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.job.CancelRequest;
import dev.stylize.job.JobJson;
import dev.stylize.job.JobRequest;
import dev.stylize.job.MessageSchemas;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.stylize.client.InputUploader;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The HTTP face of the job topics ({@code gateway} command): submit, look up, watch and cancel jobs. Requests
 * and cancellations go to the same topics, in the same contract, as the terminal client's.
 */
@Path("/v1/jobs")
@Tag(name = "jobs")
public class JobsResource {
    private static final ObjectMapper JSON = JobJson.mapper();

    @Inject
    JobEventHub hub;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job (a request of docs/message-contract.md); 202, or 400 with the error code")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(ref = SchemaResource.PATH + "/" + MessageSchemas.REQUEST)))
    public Response submit(byte[] body) throws InterruptedException, ExecutionException {
        JobRequest request = JobJson.parseRequest(body);
        return accepted(request);
    }

    /**
     * The same request with its images in the body: part {@code request} (the contract's JSON, image references
     * left out or overridden) and file parts {@code reference} (one or more, in order), {@code target},
     * {@code mask}. Each image is uploaded once under its content key ({@code stylize.gateway.upload-bucket},
     * {@code upload-prefix}), as the terminal client does, and the request names it.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a job with its images (multipart: request, reference..., target, mask)")
    public Response submitWithImages(@RestForm("request") String json, @RestForm("reference") List<FileUpload> references,
            @RestForm("target") FileUpload target, @RestForm("mask") FileUpload mask)
            throws IOException, InterruptedException, ExecutionException {
        if (json == null) {
            throw new StylizeException(ErrorCode.INVALID_REQUEST, "the multipart body needs a part 'request'");
        }
        JsonNode tree = JobJson.readTree(json.getBytes(StandardCharsets.UTF_8));
        if (!tree.isObject()) {
            throw new StylizeException(ErrorCode.INVALID_JSON, "part 'request' must be a JSON object");
        }
        ObjectNode request = (ObjectNode) tree;
        InputUploader uploader = hub.uploader();
        if (references != null && !references.isEmpty()) {
            JsonNode given = request.path("reference");
            ArrayNode refs = JSON.createArrayNode();
            for (int i = 0; i < references.size(); i++) {
                // Weights and per-reference settings of the JSON stay with the i-th file.
                ObjectNode ref = given.path(i).isObject() ? (ObjectNode) given.get(i).deepCopy() : JSON.createObjectNode();
                put(ref, uploader.resolve(references.get(i).uploadedFile().toString()));
                refs.add(ref);
            }
            request.set("reference", refs);
        }
        if (target != null) {
            request.set("target", put(JSON.createObjectNode(), uploader.resolve(target.uploadedFile().toString())));
        }
        if (mask != null) {
            request.set("mask", put(JSON.createObjectNode(), uploader.resolve(mask.uploadedFile().toString())));
        }
        return accepted(JobJson.parseRequest(JSON.writeValueAsBytes(request)));
    }

    private static ObjectNode put(ObjectNode node, JobRequest.ObjectRef ref) {
        node.put("bucket", ref.bucket());
        node.put("key", ref.key());
        return node;
    }

    Response accepted(JobRequest request) throws InterruptedException, ExecutionException {
        hub.producer().submit(request);
        hub.fanOut().submitted(request.jobId());
        ObjectNode out = JSON.createObjectNode();
        out.put("jobId", request.jobId());
        out.put("state", "/v1/jobs/" + request.jobId());
        out.put("events", "/v1/jobs/" + request.jobId() + "/events");
        return Response.accepted(out.toString()).location(URI.create("/v1/jobs/" + request.jobId())).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The job's latest state: its result, else its latest progress; 404 when unknown")
    public Response state(@PathParam("id") String id) throws InterruptedException {
        new CancelRequest(id); // a well-formed job id, or 400 INVALID_REQUEST
        boolean complete = hub.lookup(id);
        FanOut.Snapshot s = hub.fanOut().snapshot(id);
        if (!s.known() && !complete) {
            return Errors.response(Response.Status.SERVICE_UNAVAILABLE, "BUSY", "the job's records could not be "
                    + "read in time; try again");
        }
        if (!s.known()) {
            return Errors.response(Response.Status.NOT_FOUND, "NOT_FOUND", "no job " + id + " is known");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("jobId", id);
        out.put("state", s.result() != null ? s.result().result().status().name()
                : s.latestProgress() != null ? "RUNNING" : "SUBMITTED");
        if (s.latestProgress() != null) {
            out.set("progress", tree(s.latestProgress()));
        }
        if (s.result() != null) {
            out.set("result", tree(s.result()));
        }
        return Response.ok(out.toString()).build();
    }

    @GET
    @Path("{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Server-Sent Events: the latest state, then progress events, then the result; the "
            + "stream then ends. Event ids p<offset>/r<offset>; Last-Event-ID resumes after one (204 after the result).")
    public void events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink, @Context Sse sse) throws InterruptedException {
        new CancelRequest(id);
        hub.lookup(id);
        EventId after = EventId.parse(lastEventId).orElse(null);
        if (hub.fanOut().finishedAfter(id, after)) {
            // 204 tells a browser's EventSource to stop reconnecting: the client has the result already.
            throw new WebApplicationException(Response.noContent().build());
        }
        SseSink out = new SseSink(sink, sse);
        // A comment first: the response headers go out now, not with the job's first event (minutes if queued).
        out.ping();
        hub.fanOut().subscribe(id, out, after);
    }

    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel the job (a record on the control topic); 202")
    public Response cancel(@PathParam("id") String id) throws InterruptedException, ExecutionException {
        new CancelRequest(id);
        hub.producer().cancel(id);
        ObjectNode out = JSON.createObjectNode();
        out.put("jobId", id);
        out.put("cancel", "requested");
        return Response.accepted(out.toString()).build();
    }

    private static JsonNode tree(GatewayEvent e) {
        try {
            return JSON.readTree(e.json());
        } catch (java.io.IOException x) {
            throw new IllegalStateException(x);
        }
    }

    /** An SSE stream as a fan-out sink: one event per record, JSON in {@code data}, the record's id. */
    static final class SseSink implements FanOut.Sink {
        private final SseEventSink sink;
        private final Sse sse;

        SseSink(SseEventSink sink, Sse sse) {
            this.sink = sink;
            this.sse = sse;
        }

        @Override
        public CompletionStage<?> send(GatewayEvent e) {
            OutboundSseEvent event = sse.newEventBuilder().id(e.id().toString()).name(e.name())
                    .mediaType(MediaType.TEXT_PLAIN_TYPE).data(e.json()).build();
            return sink.send(event);
        }

        @Override
        public CompletionStage<?> ping() {
            return sink.send(sse.newEventBuilder().comment("keep-alive").build());
        }

        @Override
        public void close() {
            sink.close();
        }

        @Override
        public boolean isClosed() {
            return sink.isClosed();
        }
    }
}
