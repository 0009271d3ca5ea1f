package dev.stylize.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.job.ErrorCode;
import dev.stylize.job.StylizeException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every gateway error as {@code {"code": "...", "message": "..."}}; the code is the contract's where one applies. */
public final class Errors {
    static Response response(Response.Status status, String code, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("code", code);
        body.put("message", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body.toString()).build();
    }

    /** A request the contract rejects (INVALID_JSON, PARAM_OUT_OF_RANGE, …): 400; a store fault: 503. */
    @ServerExceptionMapper
    public Response stylize(StylizeException e) {
        Response.Status status = e.code() == ErrorCode.STORAGE_UNAVAILABLE ? Response.Status.SERVICE_UNAVAILABLE
                : e.code().permanent() ? Response.Status.BAD_REQUEST : Response.Status.INTERNAL_SERVER_ERROR;
        return response(status, e.code().name(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response tooMany(FanOut.TooManySubscribers e) {
        return response(Response.Status.SERVICE_UNAVAILABLE, "TOO_MANY_SUBSCRIBERS", e.getMessage());
    }
}
