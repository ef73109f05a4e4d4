package dev.caravan.bench.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy in front of moto_server that plays AWS Batch's SubmitJob limit: a token bucket of {@code rate} per
 * second holding at most one second's worth; a SubmitJob finding it empty gets 429 TooManyRequestsException, as AWS
 * answers. Everything else passes through untouched.
 */
public final class ThrottlingProxy implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Set<String> HOP = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(64);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(16)).build();
    private final URI target;
    private final double rate;
    private double tokens;
    private long last = System.nanoTime();
    public final AtomicLong submits = new AtomicLong();
    public final AtomicLong throttled = new AtomicLong();
    public final AtomicLong forwarded = new AtomicLong();
    /** System.nanoTime() of the first SubmitJob's arrival and of the last SubmitJob's answer (0: none yet). */
    public final AtomicLong firstSubmitNanos = new AtomicLong();
    public final AtomicLong lastSubmitAnsweredNanos = new AtomicLong();

    public ThrottlingProxy(URI target, double rate) throws IOException {
        this.target = target;
        this.rate = rate;
        this.tokens = rate;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(rate, tokens + (now - last) / 1e9 * rate);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getRawPath();
        boolean submit = path.equals("/v1/submitjob");
        if (submit) {
            firstSubmitNanos.compareAndSet(0, System.nanoTime());
            submits.incrementAndGet();
            if (rate > 0 && !take()) {
                throttled.incrementAndGet();
                byte[] b = "{\"__type\":\"TooManyRequestsException\",\"message\":\"Too Many Requests\"}"
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.getResponseHeaders().add("x-amzn-ErrorType", "TooManyRequestsException");
                ex.sendResponseHeaders(429, b.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
                return;
            }
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(target.resolve(ex.getRequestURI().toString()))
                .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(60));
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            if (!HOP.contains(h.getKey().toLowerCase())) {
                for (String v : h.getValue()) {
                    rb.header(h.getKey(), v);
                }
            }
        }
        try {
            HttpResponse<byte[]> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
            forwarded.incrementAndGet();
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.equals(":status")) {
                    vs.forEach(v -> ex.getResponseHeaders().add(k, v));
                }
            });
            byte[] b = r.body();
            ex.sendResponseHeaders(r.statusCode(), b.length == 0 ? -1 : b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
            if (submit) {
                lastSubmitAnsweredNanos.accumulateAndGet(System.nanoTime(), Math::max);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.close();
        } catch (IOException e) {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
