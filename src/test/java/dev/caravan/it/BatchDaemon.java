package dev.caravan.it;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.GitFixtures;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A daemon on the shipped config/application.properties, only paths, ports, the Slack endpoint and the API token
 * overridden, with an empty tracking remote; and an HTTP client for its /api on 127.0.0.1.
 */
public final class BatchDaemon implements AutoCloseable {

    public static final String TOKEN = "test-token-0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();

    public final DaemonHarness daemon;
    public final int port;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private BatchDaemon(DaemonHarness daemon, int port) {
        this.daemon = daemon;
        this.port = port;
    }

    /** An empty tracking remote for {@link #start}. */
    public static Path emptyRemote(Path dir) throws Exception {
        Path content = Files.createDirectories(dir.resolve("empty-seed/jobs"));
        Files.writeString(content.resolve(".gitkeep"), "");
        return GitFixtures.bareRemote(dir.resolve("remote.git"), dir.resolve("empty-seed"));
    }

    public static BatchDaemon start(Path dir, Path remote, String slackUrl) throws Exception {
        Map<String, String> p = settings(dir, remote, slackUrl);
        return new BatchDaemon(DaemonHarness.start(dir, p), Integer.parseInt(p.get("camel.server.port")));
    }

    /** The shipped settings with this test's paths, ports, Slack endpoint and token. */
    public static Map<String, String> settings(Path dir, Path remote, String slackUrl) throws IOException {
        Properties shipped = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config/application.properties"))) {
            shipped.load(in);
        }
        Map<String, String> p = new LinkedHashMap<>();
        shipped.stringPropertyNames().forEach(k -> p.put(k, shipped.getProperty(k)));
        int port = freePort();
        p.put("camel.server.port", Integer.toString(port));
        p.put("camel.management.port", Integer.toString(port));
        p.put("camel.main.routes-reload-enabled", "false");
        p.put("caravan.tracking.dir", dir.resolve("tracking").toString());
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.tracking.seed", "");
        p.put("caravan.work.dir", dir.resolve("work").toString());
        p.put("caravan.batches.work-dir", dir.resolve("batches").toString());
        p.put("caravan.triggers.enabled", "false");
        p.put("caravan.slack.webhook-url", slackUrl);
        p.put("caravan.http.token", TOKEN);
        return p;
    }

    /** An answer: status and body text, and the body as JSON when it is. */
    public record Answer(int status, String body) {

        public Map<String, Object> json() {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = JSON.readValue(body, Map.class);
                return m;
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    public Answer call(String method, String path, Object body) {
        return call(method, path, body, TOKEN);
    }

    public Answer call(String method, String path, Object body, String token) {
        return call(method, path, body, token, "application/json");
    }

    /** An upload with its own media type. */
    public Answer upload(String path, byte[] body, String contentType) {
        return call("PUT", path, body, TOKEN, contentType);
    }

    public Answer call(String method, String path, Object body, String token, String contentType) {
        try {
            byte[] bytes = body == null ? new byte[0] : body instanceof byte[] b ? b : body instanceof String s
                    ? s.getBytes() : JSON.writeValueAsBytes(body);
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api" + path))
                    .method(method, bytes.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .header("Content-Type", contentType);
            if (token != null) {
                r.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> a = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(a.statusCode(), a.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        }
    }

    public byte[] bytes(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api" + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    @Override
    public void close() throws Exception {
        daemon.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
