package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.backend.BackendException;
import dev.caravan.secrets.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * OAuth2 client credentials: {@code POST token-url} with the form {@code grant_type=client_credentials&client_id=..&
 * client_secret=..} (credentials in the body, not HTTP basic). The bearer token is fetched lazily, on the first request
 * that needs one, and cached until shortly before its {@code expires_in} (without {@code expires_in}: until the server
 * answers 401). Concurrent callers wait for one fetch. Every failure is critical: the environment cannot work.
 */
final class TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(TokenSource.class);
    /** Renew this long before the server's expiry (at most a tenth of the lifetime). */
    static final Duration EARLY = Duration.ofSeconds(30);

    private final String env;
    private final URI url;
    private final String clientId;
    private final String clientSecret;
    private final Transport transport;
    private final int retries;
    private final Clock clock;

    private String token;
    private Instant renewAt; // null: until a 401

    TokenSource(WesSettings s, Transport transport, Clock clock) {
        this.env = s.env();
        this.url = s.tokenUrl().orElseThrow();
        this.clientId = s.clientId();
        this.clientSecret = s.clientSecret();
        this.transport = transport;
        this.retries = s.retries();
        this.clock = clock;
    }

    /** A valid bearer token, fetching one when none is cached or the cached one is due for renewal. */
    synchronized String bearer() throws BackendException {
        if (token != null && (renewAt == null || clock.instant().isBefore(renewAt))) {
            return token;
        }
        token = null;
        fetch();
        return token;
    }

    /** The cached token if still valid; never fetches (for health checks). */
    synchronized Optional<String> cached() {
        if (token != null && (renewAt == null || clock.instant().isBefore(renewAt))) {
            return Optional.of(token);
        }
        return Optional.empty();
    }

    /** The server refused {@code used}: forget it, unless another caller already replaced it. */
    synchronized void invalidate(String used) {
        if (Objects.equals(used, token)) {
            token = null;
        }
    }

    private void fetch() throws BackendException {
        String what = "env " + env + ": token endpoint " + url;
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret);
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(transport.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                .build();
        for (int attempt = 1; ; attempt++) {
            Transport.Reply reply;
            try {
                reply = transport.exchange(request, what);
            } catch (Transport.Transient t) {
                if (attempt > retries) {
                    throw critical(t.getMessage() + (retries > 0 ? " (tried " + attempt + " times)" : ""));
                }
                LOG.warn("{}; trying again", t.getMessage());
                transport.backoff(attempt, what);
                continue;
            }
            if (!reply.ok()) {
                // the body may echo what we sent: only the server's error text, cleaned and masked
                throw critical(what + " refused the client credentials of client-id '" + clientId + "' (HTTP "
                        + reply.status() + Texts.errorSuffix(reply.body()) + ")");
            }
            accept(reply.body(), what);
            return;
        }
    }

    private void accept(String body, String what) throws BackendException {
        JsonNode n;
        try {
            n = Texts.JSON.readTree(body);
        } catch (Exception e) {
            // no cause and no excerpt: the text may hold the token itself
            throw critical(what + " answered with something that is not JSON");
        }
        String access = n == null ? "" : Texts.text(n, "access_token");
        if (access.isBlank()) {
            throw critical(what + " answered without an access_token");
        }
        Redactor.registerShortLived(access);
        long expiresIn = n.path("expires_in").asLong(-1);
        Instant now = clock.instant();
        if (expiresIn > 0) {
            Duration life = Duration.ofSeconds(expiresIn);
            Duration early = life.dividedBy(10).compareTo(EARLY) < 0 ? life.dividedBy(10) : EARLY;
            renewAt = now.plus(life).minus(early);
        } else {
            renewAt = null;
        }
        token = access;
        LOG.info("env {}: got a bearer token from {}{}", env, url,
                expiresIn > 0 ? " (expires in " + expiresIn + " s)" : " (no expiry given: kept until refused)");
    }

    private BackendException critical(String message) {
        return BackendException.critical(message);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
