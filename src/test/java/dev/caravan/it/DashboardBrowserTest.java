package dev.caravan.it;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowTest;
import dev.caravan.testkit.GitFixtures;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless browser: Debian's Chromium driven by playwright-core (node) through
 * src/test/browser/dashboard-scenario.mjs, against a daemon on the shipped configuration (paths, ports, Slack
 * endpoint and token overridden). Create from simple.geojson with the duplicate NW shown, run, colours turning
 * yellow then green without reload, abort (orange), delete (files gone), export, overview counts, an environment
 * held by a batch barrier, then its runs ending drawn live on the open overview's chart; the figures of
 * the 10,000-item page and of a state change. Screenshots in target/screenshots. Skips, saying why, without
 * node, /usr/bin/chromium or playwright-core in target/browser (.ci/run installs them).
 */
@FlowTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the API's look at fw's barrier comes before the scenario lifts it
class DashboardBrowserTest {

    static final Path PLAYWRIGHT = Path.of("target/browser").toAbsolutePath();
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final int BIG = Integer.parseInt(System.getenv().getOrDefault("DASHBOARD_BIG_ITEMS", "10000"));

    @TempDir
    static Path dir;
    static SlackEmulator slack;
    static DaemonHarness daemon;
    static String url;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        slack = new SlackEmulator();
        // beside the shipped config, an environment with a batch barrier holding a later batch back: a job of
        // gear.b01 runs on it until the test ends, gear.b02's waits (both ran on fw before, so only fw takes them)
        Path seed = Files.createDirectories(dir.resolve("seed"));
        GitFixtures.jobsTree(seed, "center-a", "gear.b01", 1, "{\"n\": #}");
        GitFixtures.jobsTree(seed, "center-c", "gear.b02", 1, "{\"n\": #}");
        for (String job : new String[] {"center-a/gear.b01", "center-c/gear.b02"}) {
            Files.writeString(seed.resolve("jobs/" + job + "/backlog/job.0001/run.1700000000.fw.r-0"), "");
        }
        Map<String, String> p = BatchDaemon.settings(dir, GitFixtures.bareRemote(dir.resolve("remote.git"), seed), slack.url());
        p.put("caravan.env.fw.backend", "local");
        p.put("caravan.env.fw.max-parallel-runs", "2");
        p.put("caravan.env.fw.batch-barrier", "true");
        p.put("caravan.env.fw.command", "while [ ! -e " + dir.resolve("fw-flag") + " ]; do sleep 0.1; done");
        // the daemon runs its own cycles as shipped: the page is watched, nothing here drives a cycle
        p.remove("caravan.triggers.enabled");
        url = "http://127.0.0.1:" + p.get("camel.server.port");
        daemon = DaemonHarness.start(dir, p);
    }

    @AfterAll
    static void stop() throws Exception {
        Files.writeString(dir.resolve("fw-flag"), "end"); // the fw runs end
        if (daemon != null) {
            daemon.close();
        }
        slack.close();
    }

    @Test
    @Order(1)
    void thePagesAreServedFromTheJarAsTheyAreBesideTheApi() throws Exception {
        HttpResponse<String> index = HTTP.send(get("/"), HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(index.body()).contains("<script type=\"module\" src=\"overview.js\">");
        HttpResponse<byte[]> png = HTTP.send(get("/icon.png"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(png.body()).as("a binary asset byte for byte").isEqualTo(Files.readAllBytes(Path.of("src/main/resources/web/icon.png")));
        HttpResponse<String> js = HTTP.send(get("/batch.js"), HttpResponse.BodyHandlers.ofString());
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        assertThat(HTTP.send(get("/no-such-page.html"), HttpResponse.BodyHandlers.ofString()).statusCode()).as("a page not shipped").isBetween(400, 499);
        assertThat(HTTP.send(get("/..%2Fpom.xml"), HttpResponse.BodyHandlers.ofString()).body()).doesNotContain("<project");

        HttpResponse<String> envs = HTTP.send(get("/api/environments"), HttpResponse.BodyHandlers.ofString());
        assertThat(envs.statusCode()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        java.util.List<Map<String, Object>> list = new ObjectMapper().readValue(envs.body(), java.util.List.class);
        assertThat(list).anySatisfy(e -> assertThat(e).containsEntry("name", "demo").containsEntry("backend", "local")
                .containsEntry("in_flight", 0).containsEntry("paused", false).containsEntry("health", "ok")
                .containsEntry("barrier_batch", null));
        assertThat(list).anySatisfy(e -> assertThat(e).containsEntry("name", "fw").containsEntry("barrier_batch", "gear.b01")
                .containsEntry("barrier_held", 1));
        HttpResponse<String> history = HTTP.send(get("/api/environments/history?hours=1&bucket=5m"), HttpResponse.BodyHandlers.ofString());
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.body()).contains("\"bucket_s\":300").contains("\"name\":\"demo\"").contains("\"name\":\"fw\"");
        assertThat(HTTP.send(get("/api/batches"), HttpResponse.BodyHandlers.ofString()).statusCode()).as("the API still answers").isEqualTo(200);
        HttpResponse<String> report = HTTP.send(get("/report"), HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).as("so does /report (empty tree: no content)").isIn(200, 204);
        assertThat(report.body()).doesNotContain("<html");
    }

    @Test
    @Order(2)
    void theDashboardDrivesABatchFromCreateToExportLive() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": apt-get install chromium (.ci/run does)");
        Assumptions.assumeTrue(Files.isDirectory(PLAYWRIGHT.resolve("node_modules/playwright-core")),
                "no playwright-core in " + PLAYWRIGHT + ": npm install --prefix target/browser playwright-core (.ci/run does)");
        Assumptions.assumeTrue(onPath("node"), "no node on the PATH");

        Path shots = Files.createDirectories(Path.of("target/screenshots").toAbsolutePath());
        HttpResponse<byte[]> css = HTTP.send(get("/app.css"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(css.body()).as("served byte for byte from the jar")
                .isEqualTo(Files.readAllBytes(Path.of("src/main/resources/web/app.css")));

        ProcessBuilder pb = new ProcessBuilder("node", Path.of("src/test/browser/dashboard-scenario.mjs").toAbsolutePath().toString())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PLAYWRIGHT_PREFIX", PLAYWRIGHT.toString());
        env.put("CARAVAN_URL", url);
        env.put("CARAVAN_TOKEN", BatchDaemon.TOKEN);
        env.put("SCREENSHOTS", shots.toString());
        env.put("BATCH_WORK", dir.resolve("batches").toString());
        env.put("FLAG_FILE", dir.resolve("wepp-flag").toString());
        env.put("FW_FLAG", dir.resolve("fw-flag").toString());
        env.put("GEOJSON", BatchApiTest.GEOJSON.toAbsolutePath().toString());
        env.put("BIG_ITEMS", Integer.toString(BIG));
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes());
        assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).as(out).isZero();
        String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
        @SuppressWarnings("unchecked")
        Map<String, Object> figures = new ObjectMapper().readValue(last, Map.class);
        System.out.println("dashboard figures: " + figures);
        assertThat(((Number) figures.get("commit_to_page_ms_max")).intValue()).as("state change on the page after its commit, ms")
                .isLessThanOrEqualTo(500);
        if (BIG > 0) {
            assertThat(((Number) figures.get("big_render_ms")).intValue()).as("render of a %d-item batch page, ms", BIG)
                    .isLessThanOrEqualTo(1000);
        }
        assertThat(shots.resolve("batch.png")).exists();
        assertThat(shots.resolve("create-duplicates.png")).exists();
        assertThat(shots.resolve("overview.png")).exists();
        assertThat(shots.resolve("overview-phone.png")).exists();
        assertThat(shots.resolve("create-phone.png")).exists();
    }

    private static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).build();
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
