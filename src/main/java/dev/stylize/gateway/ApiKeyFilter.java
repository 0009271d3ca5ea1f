package dev.stylize.gateway;

import dev.stylize.worker.WorkerConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The gateway's resources exist only in the gateway (the worker answers 404), and need one of
 * {@code stylize.gateway.api-keys} when any is configured: {@code X-API-Key: <key>} or
 * {@code Authorization: Bearer <key>}. Health, metrics and the OpenAPI document (under /q) stay open.
 */
public class ApiKeyFilter {
    static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";

    @Inject
    GatewayConfig config;

    @Inject
    WorkerConfig service;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/v1/") && !path.equals("/v1")) {
            return Optional.empty();
        }
        if (service.role() != WorkerConfig.Role.GATEWAY) {
            return Optional.of(Errors.response(Response.Status.NOT_FOUND, "NOT_FOUND", "not a gateway"));
        }
        List<String> keys = config.apiKeys().orElse(List.of()).stream().filter(k -> !k.isBlank()).toList();
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        String presented = presentedKey(request);
        if (presented != null && accepted(presented, keys)) {
            return Optional.empty();
        }
        // Never echo what was presented: it may be a real key of another service.
        return Optional.of(Response.fromResponse(Errors.response(Response.Status.UNAUTHORIZED, "UNAUTHORIZED",
                "an API key is required (X-API-Key or Authorization: Bearer)"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
    }

    /** The key the caller presented ({@code X-API-Key}, else a bearer token); null without one. */
    static String presentedKey(ContainerRequestContext request) {
        String presented = request.getHeaderString(API_KEY_HEADER);
        String auth = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (presented == null && auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            presented = auth.substring(BEARER.length()).trim();
        }
        return presented;
    }

    /** Constant time in the key's content: compares against every key, never stops early. */
    static boolean accepted(String presented, List<String> keys) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (String k : keys) {
            ok |= MessageDigest.isEqual(p, k.getBytes(StandardCharsets.UTF_8));
        }
        return ok;
    }
}
