package dev.stylize.gateway;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code stylize.gateway.submit-rate}: a {@code POST /v1/jobs} over the caller's rate is 429 before its body is
 * read. Runs after {@link ApiKeyFilter}, so the key it counts under is a valid one.
 */
public class SubmitRateFilter {
    static final String ANONYMOUS = "";

    @Inject
    GatewayConfig config;

    private SubmitRateLimit limit;

    @PostConstruct
    void init() {
        limit = config.submitRate().map(r -> new SubmitRateLimit(r, config.submitBurst(), System::nanoTime))
                .orElse(null);
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext request) {
        if (limit == null || !HttpMethod.POST.equals(request.getMethod())
                || !request.getUriInfo().getPath().equals("/v1/jobs")) {
            return Optional.empty();
        }
        boolean keyed = !config.apiKeys().orElse(List.of()).stream().allMatch(String::isBlank);
        String caller = keyed ? ApiKeyFilter.presentedKey(request) : ANONYMOUS;
        long wait = limit.acquire(caller == null ? ANONYMOUS : caller);
        if (wait == 0) {
            return Optional.empty();
        }
        return Optional.of(Response.fromResponse(Errors.response(Response.Status.TOO_MANY_REQUESTS, "RATE_LIMITED",
                "more than " + config.submitRate().get() + " submissions per second (burst " + config.submitBurst()
                        + "); retry after " + wait + " s"))
                .header(HttpHeaders.RETRY_AFTER, Long.toString(wait)).build());
    }
}
