package dev.caravan.backend.wes;

import dev.caravan.backend.BackendException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One HTTP exchange at a time, classified: an answer below 500 is a {@link Reply}; a 5xx, a 429, a timeout or a
 * connection problem is {@link Transient} (worth another try), which also says whether the server may have acted on the
 * request, and how long the server asked to be left alone ({@code Retry-After}, RFC 9110 section 10.2.3, on a 429 or
 * a 503).
 * Also the jittered exponential backoff between tries. Knows nothing of tokens or WES.
 */
final class Transport {

    /** Base of the backoff: about 0.5 s, 1 s, 2 s, ... (each jittered to between half and all of it). */
    static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    /** An answer the server gave (status below 500, not 429). */
    record Reply(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** This answer as a failure: refused credentials CRITICAL, another 4xx BAD_INPUT, anything else RETRYABLE. */
        BackendException failure(String message) {
            BackendException.Kind kind = status == 401 || status == 403 ? BackendException.Kind.CRITICAL
                    : status >= 400 && status < 500 && status != 429 ? BackendException.Kind.BAD_INPUT
                    : BackendException.Kind.RETRYABLE;
            return new BackendException(message, null, kind);
        }
    }

    /** Worth another try. {@code mayHaveArrived}: the server may have acted (timeout, dropped answer, 5xx). */
    static final class Transient extends Exception {
        private final boolean mayHaveArrived;
        private final Duration retryAfter; // null: the server said nothing

        Transient(String message, boolean mayHaveArrived) {
            this(message, mayHaveArrived, null);
        }

        Transient(String message, boolean mayHaveArrived, Duration retryAfter) {
            super(message, null, false, false);
            this.mayHaveArrived = mayHaveArrived;
            this.retryAfter = retryAfter;
        }

        boolean mayHaveArrived() {
            return mayHaveArrived;
        }

        /** The server's {@code Retry-After}, if it sent one. */
        Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Duration backoffBase;

    Transport(Duration timeout, Duration backoffBase) {
        this.timeout = timeout;
        this.backoffBase = backoffBase;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * @param what for messages: what was asked of whom (never a secret, never a body)
     * @throws BackendException only when interrupted
     */
    Reply exchange(HttpRequest request, String what) throws Transient, BackendException {
        HttpResponse<String> r;
        try {
            r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new Transient(what + ": no connection within " + seconds(timeout), false);
        } catch (HttpTimeoutException e) {
            throw new Transient(what + ": no answer within " + seconds(timeout), true);
        } catch (ConnectException e) {
            throw new Transient(what + ": cannot connect (" + e.getClass().getSimpleName() + ")", false);
        } catch (IOException e) {
            // the request may have been read and acted on before the connection broke
            throw new Transient(what + ": connection lost (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + Texts.clean(e.getMessage(), 120)) + ")", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BackendException.retryable(what + ": interrupted");
        }
        Duration retryAfter = retryAfter(r.headers().firstValue("Retry-After"));
        String asked = retryAfter == null ? "" : " (asked to wait " + seconds(retryAfter) + ")";
        if (r.statusCode() >= 500) {
            throw new Transient(what + ": HTTP " + r.statusCode() + Texts.errorSuffix(r.body()) + asked, true, retryAfter);
        }
        if (r.statusCode() == 429) { // too many requests: refused before acting, worth another try later
            throw new Transient(what + ": HTTP 429" + Texts.errorSuffix(r.body()) + asked, false, retryAfter);
        }
        return new Reply(r.statusCode(), r.body() == null ? "" : r.body());
    }

    /** Waits before try number {@code attempt + 1} (attempt counts from 1): jittered, exponential, capped. */
    void backoff(int attempt, String what) throws BackendException {
        backoff(attempt, what, Optional.empty());
    }

    /**
     * As {@link #backoff(int, String)}, but at least what the server asked for: a retry sooner than its
     * {@code Retry-After} is only refused again. Capped at {@link #MAX_BACKOFF} all the same (a longer wait is the next
     * cycle's).
     */
    void backoff(int attempt, String what, Optional<Duration> asked) throws BackendException {
        long base = backoffBase.toMillis();
        long wait = 0;
        if (base > 0) {
            long full = Math.min(MAX_BACKOFF.toMillis(), base << Math.min(attempt - 1, 20));
            wait = full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
        }
        wait = Math.min(MAX_BACKOFF.toMillis(), Math.max(wait, asked.map(Duration::toMillis).orElse(0L)));
        if (wait <= 0) {
            return;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BackendException.retryable(what + ": interrupted while waiting to retry");
        }
    }

    /** {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); null when absent or unreadable. */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty() || header.get().isBlank()) {
            return null;
        }
        String v = header.get().trim();
        try {
            long s = Long.parseLong(v);
            return s < 0 ? null : Duration.ofSeconds(s);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(java.time.Instant.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
