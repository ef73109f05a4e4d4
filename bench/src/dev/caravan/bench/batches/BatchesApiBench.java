package dev.caravan.bench.batches;

import dev.caravan.camel.CaravanMain;
import dev.caravan.engine.Engine;
import org.apache.camel.main.Main;

import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Issue 12's two API figures, on a daemon in this JVM with the shipped config/application.properties (only paths,
 * the port and the token changed), over HTTP on 127.0.0.1: GET of a 10,000-item batch (p50 and p99 of N calls after
 * 20 warm-up calls, target p99 ≤ 100 ms) and Start to the first item running (target ≤ 1 s), measured from the
 * POST to the first of its items in flight in the engine's index. Prints one RESULT line per figure.
 *
 * <pre>bench/batches/run [ITEMS] [CALLS]</pre>
 */
public final class BatchesApiBench {

    private static final String TOKEN = "bench-token-0123456789abcdef";

    private BatchesApiBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        int items = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Path seed = Files.createDirectories(out.resolve("seed/jobs"));
        Files.writeString(seed.resolve(".gitkeep"), "");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config/application.properties"))) {
            p.load(in);
        }
        int port = 18000 + (int) (ProcessHandle.current().pid() % 1000);
        p.setProperty("camel.server.port", Integer.toString(port));
        p.setProperty("camel.management.port", Integer.toString(port));
        p.setProperty("camel.main.routes-reload-enabled", "false");
        p.setProperty("caravan.tracking.dir", out.resolve("tracking").toString());
        p.setProperty("caravan.tracking.remote", out.resolve("remote.git").toString());
        p.setProperty("caravan.tracking.seed", out.resolve("seed").toString());
        p.setProperty("caravan.work.dir", out.resolve("work").toString());
        p.setProperty("caravan.batches.work-dir", out.resolve("batches").toString());
        // the shipped daemon's triggers (cron, fetch timer, requested cycles through the routes) unless
        // BENCH_TRIGGERS=off: then a Start's cycle goes straight to the cycle route and fetches the remote first
        boolean triggers = !"off".equals(System.getenv("BENCH_TRIGGERS"));
        if (!triggers) {
            p.setProperty("caravan.triggers.enabled", "false");
        }
        System.out.println("INFO triggers " + (triggers ? "as shipped (on)" : "off (BENCH_TRIGGERS=off)"));
        p.setProperty("caravan.http.token", TOKEN);
        StringWriter w = new StringWriter();
        p.store(w, "bench");
        Path config = Files.writeString(out.resolve("bench.properties"), w.toString());

        Main main = CaravanMain.newMain(Optional.of(config));
        main.start();
        try {
            Engine engine = main.getCamelContext().getRegistry().lookupByNameAndType("engine", Engine.class);
            // HTTP/1.1, as curl, browsers (no h2c on http://) and the project's tests speak to the daemon; the JDK's
            // default h2c upgrade adds HTTP/2 flow control (64 KB windows, ~20 window updates per 1.3 MB answer)
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String api = "http://127.0.0.1:" + port + "/api/batches";
            send(http, "POST", api, "{\"group\": \"bench-wepp\", \"batch\": \"items-" + items + "\"}");
            String b = api + "/bench-wepp/items-" + items;
            StringBuilder g = new StringBuilder("{\"type\": \"FeatureCollection\", \"features\": [");
            for (int i = 0; i < items; i++) {
                g.append(i == 0 ? "" : ",").append("{\"type\": \"Feature\", \"properties\": {\"name\": \"ws-")
                        .append(i).append("\", \"area\": ").append(i % 977).append("}, \"geometry\": {\"type\":"
                                + " \"Point\", \"coordinates\": [-116.").append(i).append(", 46.5]}}");
            }
            g.append("]}");
            long t = System.nanoTime();
            send(http, "PUT", b + "/resource", g.toString());
            String v = send(http, "POST", b + "/template", "{\"template\": \"{properties['name']}-{index:05d}\"}");
            System.out.println("INFO upload+template of " + items + " features: " + (System.nanoTime() - t) / 1_000_000
                    + " ms; " + (v.contains("\"is_valid\":true") ? "valid" : "NOT VALID: " + v.substring(0, 300)));

            List<Long> lat = new ArrayList<>();
            for (int i = 0; i < calls + 20; i++) {
                long s = System.nanoTime();
                String body = send(http, "GET", b, null);
                long d = System.nanoTime() - s;
                if (i >= 20) {
                    lat.add(d);
                }
                if (i == 0 && !body.contains("\"not run\":" + items)) {
                    throw new IllegalStateException("the batch does not show " + items + " items: " + body.substring(0, 300));
                }
            }
            Collections.sort(lat);
            long p50 = lat.get(lat.size() / 2);
            long p99 = lat.get((int) Math.ceil(lat.size() * 0.99) - 1);
            System.out.printf("RESULT get_batch items=%d calls=%d p50_ms=%.1f p99_ms=%.1f target_p99_ms=100 %s%n",
                    items, calls, p50 / 1e6, p99 / 1e6, p99 <= 100_000_000L ? "PASS" : "FAIL");

            long s = System.nanoTime();
            send(http, "POST", b + "/start", "{}");
            long answered = System.nanoTime() - s;
            while (engine.inspect(tree -> tree.index().inFlight("demo").isEmpty())) {
                // a look every millisecond: a spinning look would take the engine's lock from the cycle it measures
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                if (System.nanoTime() - s > 30_000_000_000L) {
                    throw new IllegalStateException("no item started within 30 s");
                }
            }
            long first = System.nanoTime() - s;
            System.out.printf("RESULT start_to_first_running items=%d start_answer_ms=%.1f first_running_ms=%.1f"
                    + " target_ms=1000 %s%n", items, answered / 1e6, first / 1e6, first <= 1_000_000_000L ? "PASS" : "FAIL");
            send(http, "POST", b + "/abort", null);
        } finally {
            main.stop();
        }
    }

    private static String send(HttpClient http, String method, String url, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> a = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        if (a.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " → " + a.statusCode() + ": " + a.body());
        }
        return a.body();
    }
}
