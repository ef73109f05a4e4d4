package dev.caravan.backend.flywheel;

import dev.caravan.emulators.flywheel.FlywheelEmulator;

import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backend: submissions, crash recovery by tag, state mapping, following Flywheel's own retries. */
class FlywheelBackendTest {

    private static final JobRef JOB = new JobRef("adrc-a", "copy-2026-01-05.b01", "job.0001");

    private FlywheelEmulator fw;
    private String gear;
    private String project;

    @BeforeEach
    void start() throws Exception {
        fw = new FlywheelEmulator();
        gear = fw.gear("copy", "1.0.0");
        project = fw.project("adrc-a", "retrospective-form", 5, "config.json");
    }

    @AfterEach
    void stop() {
        fw.close();
    }

    private FlywheelBackend backend(Duration grace, Duration timeout) {
        URI url = URI.create(fw.url());
        FlywheelClient c = new FlywheelClient(url, ApiKey.parse("k", fw.apiKey(), url), timeout);
        return new FlywheelBackend("fw", c, grace, Clock.systemUTC());
    }

    private FlywheelBackend backend() {
        return backend(Duration.ZERO, Duration.ofSeconds(5));
    }

    private SubmitRequest request(String token, int attempt, Optional<RunMarker> previous) {
        Map<String, Object> params = Map.of("gear_name", "copy", "config", Map.of("debug", false, "target", "x"),
                "inputs", Map.of("cfg", "config.json"), "source_project_id", project, "tags", List.of("nacc"));
        return new SubmitRequest(JOB, params, token, attempt, previous);
    }

    private RunStatus poll(FlywheelBackend b, String runId) throws BackendException {
        return b.poll(List.of(new RunHandle(JOB, runId))).get(runId);
    }

    @Test
    void submitsAJobFromParams() throws Exception {
        FlywheelBackend b = backend();
        String id = b.submit(request("adrc-a/b/job.0001#1-aa", 1, Optional.empty()));
        FlywheelEmulator.EJob j = fw.job(id);
        assertThat(j.gearId).isEqualTo(gear);
        assertThat(j.projectId).isEqualTo(project);
        assertThat(j.config.path("target").asText()).isEqualTo("x");
        assertThat(j.inputs.path("cfg").path("name").asText()).isEqualTo("config.json");
        assertThat(j.inputs.path("cfg").path("id").asText()).isEqualTo(project);
        assertThat(j.tags).containsExactly("nacc", FlywheelBackend.tag("adrc-a/b/job.0001#1-aa"));
        assertThat(j.label).isEqualTo(JOB.path());
    }

    @Test
    void refusesParamsItCannotUse() {
        FlywheelBackend b = backend();
        SubmitRequest noGear = new SubmitRequest(JOB, Map.of("source_project_id", project), "t", 1, Optional.empty());
        assertThatThrownBy(() -> b.submit(noGear)).hasMessageContaining("needs gear_id or gear_name");
        SubmitRequest badFile = new SubmitRequest(JOB, Map.of("gear_name", "copy", "source_project_id", project,
                "inputs", Map.of("x", "missing.csv")), "t", 1, Optional.empty());
        assertThatThrownBy(() -> b.submit(badFile)).hasMessageContaining("has no file missing.csv");
        SubmitRequest noGearThere = new SubmitRequest(JOB, Map.of("gear_name", "nope", "source_project_id", project),
                "t", 1, Optional.empty());
        assertThatThrownBy(() -> b.submit(noGearThere)).hasMessageContaining("no gear named nope");
        assertThat(fw.jobs()).isEmpty();
    }

    @Test
    void mapsFlywheelStates() throws Exception {
        FlywheelBackend b = backend();
        String id = b.submit(request("t1", 1, Optional.empty()));
        assertThat(poll(b, id).phase()).isEqualTo(RunStatus.Phase.IN_FLIGHT);
        fw.advance();
        assertThat(poll(b, id)).satisfies(s -> {
            assertThat(s.phase()).isEqualTo(RunStatus.Phase.IN_FLIGHT);
            assertThat(s.detail()).startsWith("running");
        });
        fw.advance();
        assertThat(poll(b, id).phase()).isEqualTo(RunStatus.Phase.COMPLETED);

        fw.outcomes("adrc-a", "failed");
        String f = b.submit(request("t2", 1, Optional.empty()));
        fw.finishAll();
        assertThat(poll(b, f)).satisfies(s -> {
            assertThat(s.phase()).isEqualTo(RunStatus.Phase.FAILED);
            assertThat(s.detail()).contains("gear_error");
        });

        String c = b.submit(request("t3", 1, Optional.empty()));
        b.cancel(new RunHandle(JOB, c), "test");
        assertThat(poll(b, c).phase()).isEqualTo(RunStatus.Phase.FAILED);
        assertThat(poll(b, "00000000dead").phase()).isEqualTo(RunStatus.Phase.UNKNOWN);
    }

    @Test
    void aFreshFailureWaitsForTheGrace() throws Exception {
        FlywheelBackend b = backend(Duration.ofHours(1), Duration.ofSeconds(5));
        fw.outcomes("adrc-a", "failed");
        String id = b.submit(request("t", 1, Optional.empty()));
        fw.finishAll();
        RunStatus s = poll(b, id);
        assertThat(s.phase()).isEqualTo(RunStatus.Phase.IN_FLIGHT);
        assertThat(s.detail()).contains("waiting 3600 s to see whether Flywheel retries it");
        FlywheelBackend old = new FlywheelBackend("fw", b.client(), Duration.ofHours(1),
                Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertThat(poll(old, id).phase()).isEqualTo(RunStatus.Phase.FAILED);
    }

    @Test
    void followsFlywheelsOwnRetriesToTheNewestAttempt() throws Exception {
        FlywheelBackend b = backend();
        fw.autoRetries("adrc-a", 2);
        fw.outcomes("adrc-a", "failed", "failed", "complete");
        String id = b.submit(request("t", 1, Optional.empty()));
        fw.finishAll();
        RunStatus s = poll(b, id);
        assertThat(s.phase()).isEqualTo(RunStatus.Phase.COMPLETED);
        assertThat(s.detail()).contains("after 2 Flywheel retries");
        assertThat(fw.jobsOf("adrc-a")).hasSize(3);

        // the newest attempt is remembered: one status call per poll from now on
        fw.resetCalls();
        poll(b, id);
        assertThat(fw.calls()).containsExactly(Map.entry("GET /api/jobs/{id}", 1));
    }

    @Test
    void followsAtMostThreeRetries() throws Exception {
        FlywheelBackend b = backend();
        fw.autoRetries("adrc-a", 5);
        fw.defaultOutcome("failed");
        String id = b.submit(request("t", 1, Optional.empty()));
        fw.finishAll();
        RunStatus s = poll(b, id);
        assertThat(s.phase()).isEqualTo(RunStatus.Phase.FAILED);
        assertThat(s.detail()).contains("not followed past 3 retries");
    }

    @Test
    void aSecondAttemptRetriesTheNewestFailedJob() throws Exception {
        FlywheelBackend b = backend();
        fw.autoRetries("adrc-a", 1);
        fw.outcomes("adrc-a", "failed", "failed", "complete");
        String first = b.submit(request("t1", 1, Optional.empty()));
        fw.finishAll();
        assertThat(poll(b, first).phase()).isEqualTo(RunStatus.Phase.FAILED);
        String newestFailed = fw.jobsOf("adrc-a").get(1).id;

        RunMarker prev = new RunMarker(1, "fw", first);
        String second = b.submit(request("t2", 2, Optional.of(prev)));
        assertThat(fw.job(second).previousJobId).isEqualTo(newestFailed);
        assertThat(fw.calls("POST /api/jobs/{id}/retry")).isEqualTo(1);
        assertThat(fw.calls("POST /api/jobs/add")).isEqualTo(1);

        // the retry's answer was lost: the live newer attempt is recognised as this submission
        assertThat(backend().findSubmission(request("t2", 2, Optional.of(prev)))).contains(second);
        fw.finishAll();
        assertThat(poll(b, second).phase()).isEqualTo(RunStatus.Phase.COMPLETED);

        // a job that completed before is added anew (an operator wants it run again)
        String third = b.submit(request("t3", 3, Optional.of(new RunMarker(2, "fw", second))));
        assertThat(fw.job(third).previousJobId).isNull();
    }

    @Test
    void pollingIsOneCallPerRunningJob() throws Exception {
        FlywheelBackend b = backend();
        List<String> ids = List.of(b.submit(request("a", 1, Optional.empty())), b.submit(request("b", 1, Optional.empty())),
                b.submit(request("c", 1, Optional.empty())));
        fw.advance();
        fw.resetCalls();
        Map<String, RunStatus> m = b.poll(ids.stream().map(id -> new RunHandle(JOB, id)).toList());
        assertThat(m.values()).extracting(RunStatus::phase).containsOnly(RunStatus.Phase.IN_FLIGHT);
        assertThat(fw.calls()).containsExactly(Map.entry("GET /api/jobs/{id}", 3));
    }
}
