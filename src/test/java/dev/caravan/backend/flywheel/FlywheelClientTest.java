package dev.caravan.backend.flywheel;

import dev.caravan.emulators.flywheel.FlywheelEmulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.BackendException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The REST client against the in-process Flywheel: paths, auth, retries of reads, no retries of writes. */
class FlywheelClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FlywheelEmulator fw;
    private FlywheelClient client;

    @BeforeEach
    void start() throws Exception {
        fw = new FlywheelEmulator();
        client = client(fw.apiKey(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        fw.close();
    }

    private FlywheelClient client(String key, Duration timeout) {
        URI url = URI.create(fw.url());
        return new FlywheelClient(url, ApiKey.parse("caravan.env.fw.api-key", key, url), timeout);
    }

    @Test
    void looksUpProjectsWithStatsFilesAndInfo() throws Exception {
        String id = fw.project("adrc-a", "retrospective-form", 42, "a.csv", "b.csv");
        FlywheelClient.Project p = client.project("adrc-a", "retrospective-form").orElseThrow();
        assertThat(p.id()).isEqualTo(id);
        assertThat(p.path()).isEqualTo("adrc-a/retrospective-form");
        assertThat(p.acquisitionFiles()).isEqualTo(42);
        assertThat(p.files()).containsExactly("a.csv", "b.csv");
        assertThat(client.project("adrc-a", "nope")).isEmpty();
        assertThat(client.projectById(id).orElseThrow().label()).isEqualTo("retrospective-form");
        assertThat(fw.calls("POST /api/lookup")).isEqualTo(2);
    }

    @Test
    void latestGearIsTheHighestVersion() throws Exception {
        fw.gear("copy", "1.9.2");
        String newest = fw.gear("copy", "1.10.0");
        fw.gear("copy", "1.2.0");
        fw.gear("other", "9.0.0");
        FlywheelClient.Gear g = client.latestGear("copy").orElseThrow();
        assertThat(g.id()).isEqualTo(newest);
        assertThat(g.version()).isEqualTo("1.10.0");
        assertThat(client.latestGear("missing")).isEmpty();
        assertThat(FlywheelClient.compareVersions("1.10.0", "1.9.2")).isPositive();
        assertThat(FlywheelClient.compareVersions("2.0", "2.0.0")).isZero();
    }

    @Test
    void addsFindsReadsRetriesAndCancelsJobs() throws Exception {
        String gear = fw.gear("copy", "1.0.0");
        String project = fw.project("adrc-a", "src", 3, "in.csv");
        ObjectNode body = JSON.createObjectNode();
        body.put("gear_id", gear);
        body.putObject("config").put("debug", false);
        body.putObject("inputs").set("file", FlywheelBackend.fileRef(project, "in.csv"));
        body.putObject("destination").put("type", "project").put("id", project);
        body.putArray("tags").add("t1");
        body.put("label", "adrc-a/run.b01/job.0001");
        String id = client.addJob(body);

        FlywheelJob j = client.job(id).orElseThrow();
        assertThat(j.state()).isEqualTo("pending");
        assertThat(j.tags()).containsExactly("t1");
        assertThat(j.group()).contains("adrc-a");
        assertThat(j.gearName()).contains("copy");
        assertThat(client.findJobs("tags=t1", "created:desc", 5)).extracting(FlywheelJob::id).containsExactly(id);
        assertThat(client.findJobs("parents.group=adrc-a,gear_info.name=copy,state=pending", "", 0)).hasSize(1);
        assertThat(client.findJobs("tags=nope", "", 0)).isEmpty();
        assertThat(client.job("000000000000")).isEmpty();

        assertThatThrownBy(() -> client.retry(id)).isInstanceOf(BackendException.class)
                .hasMessageContaining("cannot be retried");
        client.cancel(id);
        assertThat(client.job(id).orElseThrow().state()).isEqualTo("cancelled");
        String again = client.retry(id);
        FlywheelJob r = client.job(again).orElseThrow();
        assertThat(r.previousJobId()).contains(id);
        assertThat(client.job(id).orElseThrow().retried()).isTrue();
        assertThat(client.findJobs("previous_job_id=\"" + id + "\"", "", 0)).extracting(FlywheelJob::id).containsExactly(again);
    }

    @Test
    void aRefusedKeyIsCritical() {
        FlywheelClient wrong = client("127.0.0.1:not-the-key-at-all", Duration.ofSeconds(5));
        assertThatThrownBy(() -> wrong.job("x")).isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.isCritical()).isTrue();
            assertThat(e.getMessage()).contains("refused the API key").doesNotContain("not-the-key-at-all");
        });
    }

    @Test
    void readsAreTriedAgainOn5xxAndTimeouts() throws Exception {
        String project = fw.project("g", "p", 1);
        fw.failNext("GET /api/projects/", 503, 2);
        assertThat(client.projectById(project)).isPresent();
        assertThat(fw.calls("GET /api/projects/{id}")).isEqualTo(3);

        fw.failNext("GET /api/projects/", 502, 3);
        assertThatThrownBy(() -> client.projectById(project)).isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.kind()).isEqualTo(BackendException.Kind.RETRYABLE);
            assertThat(e.getMessage()).contains("HTTP 502").contains("injected failure");
        });

        FlywheelClient quick = client(fw.apiKey(), Duration.ofMillis(300));
        fw.delayNext("GET /api/projects/", 1500, 1);
        assertThat(quick.projectById(project)).isPresent();
    }

    @Test
    void writesAreTriedOnce() {
        String gear = fw.gear("copy", "1.0.0");
        String project = fw.project("g", "p", 1);
        ObjectNode body = JSON.createObjectNode().put("gear_id", gear);
        body.putObject("destination").put("type", "project").put("id", project);
        fw.failNext("POST /api/jobs/add", 500, 1);
        assertThatThrownBy(() -> client.addJob(body)).isInstanceOf(BackendException.class).hasMessageContaining("HTTP 500");
        assertThat(fw.calls("POST /api/jobs/add")).isEqualTo(1);
        assertThat(fw.jobs()).isEmpty();

        // a lost answer: the job was added all the same, the client says it does not know
        FlywheelClient quick = client(fw.apiKey(), Duration.ofMillis(300));
        fw.delayNext("POST /api/jobs/add", 1500, 1);
        assertThatThrownBy(() -> quick.addJob(body)).isInstanceOf(BackendException.class).hasMessageContaining("no answer");
        assertThat(fw.jobs()).hasSize(1);
        assertThat(fw.calls("POST /api/jobs/add")).isEqualTo(2);
    }

    @Test
    void apiKeysMustNameTheConfiguredSite() {
        URI url = URI.create("https://nacc.flywheel.io");
        assertThat(ApiKey.parse("k", "nacc.flywheel.io:abcdef123456", url).site()).isEqualTo("nacc.flywheel.io");
        assertThat(ApiKey.parse("k", "NACC.flywheel.io:abc", url).toString()).isEqualTo("nacc.flywheel.io:****");
        assertThat(ApiKey.parse("k", "localhost:8443:abc", URI.create("https://localhost:8443")).secret()).isEqualTo("abc");
        assertThatThrownBy(() -> ApiKey.parse("caravan.env.fw.api-key", "other.flywheel.io:secret99", url))
                .hasMessageStartingWith("setting caravan.env.fw.api-key: ").hasMessageContaining("other.flywheel.io")
                .hasMessageNotContaining("secret99");
        assertThatThrownBy(() -> ApiKey.parse("caravan.env.fw.api-key", "justasecret", url))
                .hasMessageContaining("'<site>:<key>'").hasMessageNotContaining("justasecret");
        assertThatThrownBy(() -> ApiKey.parse("caravan.env.fw.api-key", "", url)).hasMessageContaining("missing");
        assertThat(List.of(ApiKey.parse("k", "nacc.flywheel.io:zzz", url).value())).containsExactly("nacc.flywheel.io:zzz");
    }
}
