package dev.caravan.backend.wes;

import dev.caravan.backend.BackendException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * Authenticated calls with retries: adds the bearer token (when the environment has a token endpoint), answers a 401
 * with one token refresh and one more try, and retries 5xx and 429 answers, timeouts and connection errors with jittered
 * exponential backoff ({@code retries} more tries), never sooner than a {@code Retry-After} asks. A 401 with a fresh token is critical: the credentials are refused.
 */
final class WesClient {

    private static final Logger LOG = LoggerFactory.getLogger(WesClient.class);

    private final String env;
    private final Transport transport;
    private final TokenSource tokens; // null: no authentication
    private final int retries;

    WesClient(String env, Transport transport, TokenSource tokens, int retries) {
        this.env = env;
        this.transport = transport;
        this.tokens = tokens;
        this.retries = retries;
    }

    Transport transport() {
        return transport;
    }

    int retries() {
        return retries;
    }

    /** With retries; the reply is whatever the server answered below 500 (including 4xx). */
    Transport.Reply send(HttpRequest.Builder request, String what) throws BackendException {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(request, what);
            } catch (Transport.Transient t) {
                if (attempt > retries) {
                    throw BackendException.retryable(t.getMessage() + (retries > 0 ? " (tried " + attempt + " times)" : ""));
                }
                LOG.warn("env {}: {}; trying again", env, t.getMessage());
                transport.backoff(attempt, what, t.retryAfter());
            }
        }
    }

    /** One try (plus the one retry after a token refresh on 401). */
    Transport.Reply once(HttpRequest.Builder request, String what) throws Transport.Transient, BackendException {
        String bearer = tokens == null ? null : tokens.bearer();
        Transport.Reply r = transport.exchange(build(request, bearer), what);
        if (r.status() != 401) {
            return r;
        }
        if (tokens == null) {
            throw BackendException.critical(what + ": HTTP 401, the WES requires authentication (set token-url, client-id"
                    + " and client-secret for env " + env + ")");
        }
        LOG.info("env {}: {} answered 401; getting a new token and trying once more", env, what);
        tokens.invalidate(bearer);
        String fresh = tokens.bearer();
        r = transport.exchange(build(request, fresh), what);
        if (r.status() == 401) {
            tokens.invalidate(fresh);
            throw BackendException.critical(what + ": HTTP 401 even with a new token: the credentials of env " + env
                    + " are refused" + Texts.errorSuffix(r.body()));
        }
        return r;
    }

    /** Without fetching a token: the cached one if any (health checks must not cost a token call). */
    Transport.Reply probe(HttpRequest.Builder request, String what) throws Transport.Transient, BackendException {
        Optional<String> bearer = tokens == null ? Optional.empty() : tokens.cached();
        return transport.exchange(build(request, bearer.orElse(null)), what);
    }

    private static HttpRequest build(HttpRequest.Builder request, String bearer) {
        HttpRequest.Builder b = request.copy();
        if (bearer != null) {
            b.setHeader("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }
}
