package dev.caravan.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Slack incoming-webhook endpoint on 127.0.0.1: records what is posted (the real JSON body camel-slack
 * sends) and can answer with errors to show that Slack trouble never fails a cycle.
 */
public final class SlackCapture implements AutoCloseable {

    public record Post(Instant at, String text) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Post> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();

    public SlackCapture() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int status = 200;
            String answer = "ok";
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 500;
                answer = "internal_error";
            } else {
                String text = JSON.readTree(body).path("text").asText();
                posts.add(new Post(Instant.now(), text));
            }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
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

    @Override
    public void close() {
        server.stop(0);
    }

    /** Returns once everything sent to the notify queue before this call has been posted here (FIFO, one consumer). */
    public static void drain(org.apache.camel.CamelContext context, SlackCapture slack) {
        String mark = "drain-" + System.nanoTime();
        context.createFluentProducerTemplate().to("direct:notify-all")
                .withBody(java.util.List.of(dev.caravan.model.Notification.info(mark))).send();
        Poll.until("the notify queue drained", java.time.Duration.ofSeconds(20), () -> slack.anyContains(mark));
    }
}
