package dev.caravan.it;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.model.State;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowTest;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/environments} and {@code GET /api/environments/history} on a daemon on the shipped configuration
 * plus one environment with a batch barrier: the barrier's batch and what it holds back, then the completions and
 * the failure of both batches in the history, per environment.
 */
@FlowTest
class EnvironmentsApiTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    @Test
    void anEnvironmentHeldByABarrierSaysSoAndItsEndsShowInTheHistory() throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        GitFixtures.jobsTree(seed, "center-a", "gear.b01", 2, "{\"n\": #}");
        GitFixtures.jobsTree(seed, "center-c", "gear.b02", 2, "{\"n\": #}");
        // the demo environment stays as shipped but takes none of these: they ran on fw before
        pin(seed);
        Path gate = dir.resolve("gate");
        try (SlackEmulator slack = new SlackEmulator()) {
            Map<String, String> p = BatchDaemon.settings(dir, GitFixtures.bareRemote(dir.resolve("remote.git"), seed), slack.url());
            p.put("caravan.env.fw.backend", "local");
            p.put("caravan.env.fw.max-parallel-runs", "10");
            p.put("caravan.env.fw.batch-barrier", "true");
            // job.0002 of each batch fails; every job waits for the gate file, so the barrier is seen holding
            p.put("caravan.env.fw.command", "while [ ! -e " + gate + " ]; do sleep 0.05; done; [ {params.n} = 1 ]");
            String url = "http://127.0.0.1:" + p.get("camel.server.port") + "/api";
            try (DaemonHarness daemon = DaemonHarness.start(dir, p)) {
                daemon.cycle();
                Map<String, Object> fw = environment(url, "fw");
                assertThat(fw).containsEntry("in_flight", 2).containsEntry("barrier_batch", "gear.b01")
                        .containsEntry("barrier_held", 2).containsEntry("paused", false);
                assertThat(environment(url, "demo")).containsEntry("barrier_batch", null).containsEntry("barrier_held", 0);

                Files.writeString(gate, "go");
                Poll.until("both batches ended", Duration.ofSeconds(60), () -> {
                    daemon.cycle();
                    return daemon.engine().inspect(t -> t.index().inState(State.COMPLETED).size()
                            + t.index().inState(State.FAILED).size()) == 4;
                });
                assertThat(environment(url, "fw")).containsEntry("barrier_batch", null).containsEntry("barrier_held", 0);

                Map<String, Object> h = json(url + "/environments/history?hours=1&bucket=5m");
                assertThat(h).containsEntry("bucket_s", 300).containsEntry("truncated", false);
                assertThat((List<?>) h.get("buckets")).hasSize(12);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> envs = (List<Map<String, Object>>) h.get("environments");
                assertThat(envs).extracting(e -> e.get("name")).containsExactly("demo", "fw");
                assertThat(envs.get(1)).containsEntry("total_completed", 2).containsEntry("total_failed", 2);
                assertThat(envs.get(0)).containsEntry("total_completed", 0).containsEntry("total_failed", 0);
                @SuppressWarnings("unchecked")
                List<Integer> completed = (List<Integer>) envs.get(1).get("completed");
                assertThat(completed.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);

                assertThat(json(url + "/environments/history")).as("24 h in hours by default").containsEntry("bucket_s", 3600);
                HttpResponse<String> bad = get(url + "/environments/history?hours=0");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(JSON.readValue(bad.body(), Map.class)).containsEntry("field", "hours");
                bad = get(url + "/environments/history?hours=168&bucket=1m");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(JSON.readValue(bad.body(), Map.class)).containsEntry("field", "bucket");
                assertThat(bad.body()).contains("at most 1000 buckets");
                assertThat(get(url + "/environments/history?bucket=soon").statusCode()).isEqualTo(400);
            }
        }
    }

    /** A run marker of fw in every seeded job, so only fw may run them (a job goes back to its newest run's place). */
    private static void pin(Path seed) throws Exception {
        try (var s = Files.walk(seed.resolve("jobs"))) {
            for (Path params : s.filter(f -> f.getFileName().toString().equals("params.json")).toList()) {
                Files.writeString(params.resolveSibling("run.1700000000.fw.r-0"), "");
            }
        }
    }

    private Map<String, Object> environment(String url, String name) throws Exception {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = JSON.readValue(get(url + "/environments").body(), List.class);
        return list.stream().filter(e -> name.equals(e.get("name"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String url) throws Exception {
        HttpResponse<String> r = get(url);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readValue(r.body(), Map.class);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
