package dev.caravan.emulators.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Slack incoming webhook on 127.0.0.1: records what is posted (the JSON body camel-slack really sends) and can
 * answer with Slack's errors, to show that Slack trouble never fails a cycle and that nothing is lost to it.
 *
 * <p>Where the rules come from: Slack's "Sending messages using incoming webhooks" (api.slack.com/messaging/webhooks),
 * its "Handling errors" table, and "Rate limits" (api.slack.com/docs/rate-limits). A webhook takes a POST of
 * {@code application/json} (or a form field {@code payload} holding the JSON); it answers {@code 200 ok} as plain
 * text; a body that is not a JSON object is {@code 400 invalid_payload}; a message without {@code text},
 * {@code blocks} or {@code attachments} is {@code 400 no_text}; more than 100 attachments is
 * {@code 400 too_many_attachments}; a webhook that was revoked or never existed (any other path) is
 * {@code 404 no_service}; over the rate limit (about one message per second, short bursts allowed) it answers
 * {@code 429} with {@code Retry-After}; Slack's own trouble is a 5xx ({@code rollup_error}). Faults on demand:
 * {@link #failNext} (500), {@link #throttleNext} (429), {@link #revoke} (404 no_service).
 */
public final class SlackEmulator implements AutoCloseable {

    public record Post(Instant at, String text) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private volatile boolean revoked;

    public SlackEmulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String[] answer = answer(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Content-Type"), body);
            int status = Integer.parseInt(answer[0]);
            if (status == 429) {
                ex.getResponseHeaders().add("Retry-After", "1");
            }
            if (status != 200) {
                refused.add(answer[1]);
            }
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            byte[] out = answer[1].getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    private String[] answer(String method, String path, String contentType, byte[] body) {
        if (!(path.equals("/hook") || path.startsWith("/hook/")) || revoked) {
            return new String[] {"404", "no_service"};
        }
        if (!method.equals("POST")) {
            return new String[] {"400", "invalid_payload"};
        }
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new String[] {"500", "rollup_error"};
        }
        if (throttleNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new String[] {"429", "rate_limited"};
        }
        JsonNode message;
        try {
            String text = new String(body, StandardCharsets.UTF_8);
            if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")
                    && text.startsWith("payload=")) {
                text = URLDecoder.decode(text.substring("payload=".length()), StandardCharsets.UTF_8);
            }
            message = JSON.readTree(text);
        } catch (IOException | IllegalArgumentException e) {
            return new String[] {"400", "invalid_payload"};
        }
        if (message == null || !message.isObject()) {
            return new String[] {"400", "invalid_payload"};
        }
        if (message.path("text").asText("").isEmpty() && !message.has("blocks") && !message.has("attachments")) {
            return new String[] {"400", "no_text"};
        }
        if (message.path("attachments").size() > 100) {
            return new String[] {"400", "too_many_attachments"};
        }
        posts.add(new Post(Instant.now(), message.path("text").asText("")));
        return new String[] {"200", "ok"};
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<Post> posts() {
        return List.copyOf(posts);
    }

    public List<String> texts() {
        return posts.stream().map(Post::text).toList();
    }

    public boolean anyContains(String s) {
        return posts.stream().anyMatch(p -> p.text().contains(s));
    }

    public void failNext(int n) {
        failNext.set(n);
    }

    /** The next {@code n} posts are answered 429 with Retry-After, as over Slack's rate limit. */
    public void throttleNext(int n) {
        throttleNext.set(n);
    }

    /** The webhook is revoked (an admin removed the app): every post is answered 404 no_service. */
    public void revoke() {
        revoked = true;
    }

    /** The error codes Slack answered, oldest first. */
    public List<String> refused() {
        return List.copyOf(refused);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Returns once everything sent to the notify queue before this call has been posted here (FIFO, one consumer). */
    public static void drain(org.apache.camel.CamelContext context, SlackEmulator slack) {
        String mark = "drain-" + System.nanoTime();
        context.createFluentProducerTemplate().to("direct:notify-all")
                .withBody(java.util.List.of(dev.caravan.model.Notification.info(mark))).send();
        dev.caravan.testkit.Poll.until("the notify queue drained", java.time.Duration.ofSeconds(20),
                () -> slack.anyContains(mark));
    }
}
