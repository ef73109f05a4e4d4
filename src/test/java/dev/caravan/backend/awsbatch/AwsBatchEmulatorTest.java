package dev.caravan.backend.awsbatch;

import dev.caravan.aws.AwsClients;
import dev.caravan.aws.Backoff;
import dev.caravan.emulators.awsbatch.AwsBatchEmulator;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend against the in-process emulator: what moto cannot do (jobs RUNNING for a while, throttling, 5xx, lost
 * answers, refused credentials).
 */
class AwsBatchEmulatorTest {

    static {
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    private AwsBatchEmulator fake;
    private AwsBatchBackend backend;
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fake = new AwsBatchEmulator();
        backend = new AwsBatchBackend("aws", AwsClients.batch(new AwsClients.Where(Optional.of("us-east-1"),
                Optional.of(fake.endpoint())), "region", 16, Duration.ofSeconds(5)), () -> {
                    throw new IllegalStateException("no S3 here");
                },
                new BatchJobSpec.Defaults(Optional.of("fake-queue"), Optional.of("fake-def"), 21600, 1),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 6, sleeps::add), Clock.systemUTC(), List.of());
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
    }

    private static SubmitRequest request(String job, int attempt, List<String> deps) {
        return new SubmitRequest(new JobRef("proj", "wf", job), Map.of("input", "s3://b/" + job),
                "proj/wf/" + job + "#" + attempt + "-abcd", attempt, Optional.empty(), deps);
    }

    @Test
    void throttledSubmissionsWaitWithJitteredBackoffAndGoOutOnce() throws Exception {
        fake.throttleNextSubmits.set(3);
        String id = backend.submit(request("S1.01-align", 1, List.of()));
        assertThat(fake.jobs()).hasSize(1);
        assertThat(fake.jobs().get(0).id).isEqualTo(id);
        assertThat(fake.calls("submitjob")).isEqualTo(4);
        assertThat(backend.stats().throttled.get()).isEqualTo(3);
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(0)).isBetween(0L, 100L);
        assertThat(sleeps.get(1)).isBetween(0L, 200L);
        assertThat(sleeps.get(2)).isBetween(0L, 400L);
        assertThat(fake.calls("listjobs")).isZero(); // a 429 is never taken: no need to look
    }

    @Test
    void aServerErrorAfterTheJobWasTakenFindsItInsteadOfSubmittingTwice() throws Exception {
        fake.serverErrorAfterSubmit.set(1);
        String id = backend.submit(request("S1.01-align", 1, List.of()));
        assertThat(fake.jobs()).extracting(j -> j.id).containsExactly(id);
        assertThat(fake.calls("submitjob")).isEqualTo(1);
        assertThat(backend.stats().foundAfterLoss.get()).isEqualTo(1);
    }

    @Test
    void aLostAnswerIsLookedUpByNameAndTokenBeforeSendingAgain() throws Exception {
        fake.loseAfterSubmit.set(1);
        String id = backend.submit(request("S1.01-align", 1, List.of()));
        assertThat(fake.namesCount()).containsExactly(Map.entry("proj_wf_S1_01-align", 1));
        assertThat(fake.jobs().get(0).id).isEqualTo(id);
        assertThat(backend.stats().lostAnswers.get()).isEqualTo(1);

        // lost before AWS took it: looked up, not found, sent again: still one job
        fake.loseBeforeSubmit.set(1);
        fake.serverErrorBeforeSubmit.set(1);
        String id2 = backend.submit(request("S2.01-align", 1, List.of()));
        assertThat(fake.namesCount()).containsEntry("proj_wf_S2_01-align", 1);
        assertThat(fake.job(id2)).isNotNull();
    }

    /** Finding a submission by its token is BackendContractTest's; this is what only AWS Batch needs. */
    @Test
    void aCrashRecoveryThatKnowsNoQueueSearchesEveryQueue() throws Exception {
        String first = backend.submit(request("S1.01-align", 1, List.of()));
        // a crash recovery knows only the job and its token, not the queue: every queue is searched
        fake.addQueue("other-queue");
        SubmitRequest bare = new SubmitRequest(new JobRef("proj", "wf", "S1.01-align"), Map.of(),
                "proj/wf/S1.01-align#1-abcd", 1, Optional.empty());
        AwsBatchBackend noDefault = new AwsBatchBackend("aws", backend.client(), () -> null,
                new BatchJobSpec.Defaults(Optional.empty(), Optional.empty(), 21600, 1), Backoff.standard(3),
                Clock.systemUTC(), List.of());
        assertThat(noDefault.findSubmission(bare)).contains(first);
    }

    @Test
    void requestCarriesNameQueueDefinitionTagsTimeoutRetriesAndDependsOn() throws Exception {
        String a = backend.submit(request("S1.01-align", 1, List.of()));
        Map<String, Object> params = Map.of("job_queue", "fake-queue", "job_definition", "fake-def",
                "parameters", Map.of("in", "x"), "container_overrides", Map.of("vcpus", 4, "memory", 8000,
                        "environment", Map.of("A", "1")), "timeout", 3600, "retry_attempts", 3);
        String b = backend.submit(new SubmitRequest(new JobRef("proj", "wf", "S1.02-call"), params, "proj/wf/S1.02-call#1-ffff",
                1, Optional.empty(), List.of(a, "skipped-0123")));
        var req = fake.job(b).request;
        assertThat(req.path("jobName").asText()).isEqualTo("proj_wf_S1_02-call");
        assertThat(req.path("timeout").path("attemptDurationSeconds").asInt()).isEqualTo(3600);
        assertThat(req.path("retryStrategy").path("attempts").asInt()).isEqualTo(3);
        assertThat(req.path("containerOverrides").path("vcpus").asInt()).isEqualTo(4);
        assertThat(req.path("containerOverrides").path("environment").get(0).path("name").asText()).isEqualTo("A");
        assertThat(req.path("parameters").path("in").asText()).isEqualTo("x");
        assertThat(req.path("tags").path("caravan:job").asText()).isEqualTo("proj/wf/S1.02-call");
        assertThat(req.path("tags").path("caravan:attempt").asText()).isEqualTo("1");
        assertThat(req.path("tags").path("caravan:token").asText()).isEqualTo("proj/wf/S1.02-call@1-ffff");
        // the skipped predecessor never reached AWS: only the real one is a dependency
        assertThat(req.path("dependsOn")).hasSize(1);
        assertThat(req.path("dependsOn").get(0).path("jobId").asText()).isEqualTo(a);
        assertThat(fake.job(a).request.path("timeout").path("attemptDurationSeconds").asInt()).isEqualTo(21600);
    }

    @Test
    void tooManyDependenciesAndBadParamsAreRefusedNamingTheJob() {
        List<String> deps = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            deps.add("id-" + i);
        }
        assertThatThrownBy(() -> backend.submit(request("S1.01-align", 1, deps))).isInstanceOf(BackendException.class)
                .hasMessageContaining("proj/wf/S1.01-align").hasMessageContaining("at most 20");
        assertThatThrownBy(() -> backend.submit(new SubmitRequest(new JobRef("p", "w", "j"), Map.of("timeout", 5), "t#1", 1,
                Optional.empty()))).hasMessageContaining("p/w/j").hasMessageContaining("timeout");
        assertThatThrownBy(() -> backend.submit(new SubmitRequest(new JobRef("p", "w", "j"), Map.of("job_queue", "nope"),
                "t#1", 1, Optional.empty()))).isInstanceOf(BackendException.class).hasMessageContaining("nope")
                .matches(e -> ((BackendException) e).kind() == BackendException.Kind.BAD_INPUT, "bad input");
    }

    @Test
    void jobsStayInFlightWhileRunnableAndRunningThenEnd() throws Exception {
        fake.runnableFor = Duration.ofMillis(300);
        fake.runningFor = Duration.ofMillis(600);
        fake.failing.add("S2_");
        String ok = backend.submit(request("S1.01-align", 1, List.of()));
        String bad = backend.submit(request("S2.01-align", 1, List.of()));
        String after = backend.submit(request("S2.02-call", 1, List.of(bad)));
        List<RunHandle> h = List.of(new RunHandle(new JobRef("proj", "wf", "S1.01-align"), ok),
                new RunHandle(new JobRef("proj", "wf", "S2.01-align"), bad),
                new RunHandle(new JobRef("proj", "wf", "S2.02-call"), after),
                new RunHandle(new JobRef("proj", "wf", "gone"), "no-such-id"));
        Map<String, RunStatus> first = backend.poll(h);
        assertThat(first.get(ok).phase()).isEqualTo(RunStatus.Phase.IN_FLIGHT);
        assertThat(first.get(ok).detail()).isEqualTo("RUNNABLE");
        assertThat(first.get(after).detail()).isEqualTo("PENDING");
        assertThat(first.get("no-such-id").phase()).isEqualTo(RunStatus.Phase.UNKNOWN);
        Thread.sleep(500);
        assertThat(backend.poll(h).get(ok).detail()).isEqualTo("RUNNING");
        Thread.sleep(600);
        Map<String, RunStatus> last = backend.poll(h);
        assertThat(last.get(ok).phase()).isEqualTo(RunStatus.Phase.COMPLETED);
        assertThat(last.get(bad).phase()).isEqualTo(RunStatus.Phase.FAILED);
        assertThat(last.get(bad).detail()).contains("Essential container").contains("exit 1");
        assertThat(last.get(after).detail()).contains("Dependent Job failed");
        assertThat(fake.calls("describejobs")).isEqualTo(3);
    }

    @Test
    void pollAsksOncePerHundredJobsAndRetriesThrottledAnswers() throws Exception {
        List<RunHandle> h = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String id = backend.submit(request("S" + i + ".01-align", 1, List.of()));
            h.add(new RunHandle(new JobRef("proj", "wf", "S" + i + ".01-align"), id));
        }
        fake.throttleNextDescribes.set(1);
        Map<String, RunStatus> st = backend.poll(h);
        assertThat(st.values()).allMatch(s -> s.phase() == RunStatus.Phase.COMPLETED).hasSize(250);
        assertThat(fake.calls("describejobs")).isEqualTo(3 + 1);
        assertThat(backend.pollBatchSize()).isEqualTo(100);
    }

    @Test
    void cancelUsesCancelJobBeforeStartingAndTerminateJobAfter() throws Exception {
        fake.runnableFor = Duration.ofSeconds(30);
        String waiting = backend.submit(request("S1.01-align", 1, List.of()));
        backend.cancel(new RunHandle(new JobRef("proj", "wf", "S1.01-align"), waiting), "not needed");
        assertThat(fake.calls("canceljob")).isEqualTo(1);
        assertThat(fake.calls("terminatejob")).isZero();
        assertThat(fake.job(waiting).stoppedReason).isEqualTo("not needed");

        fake.runnableFor = Duration.ZERO;
        fake.runningFor = Duration.ofSeconds(30);
        String running = backend.submit(request("S2.01-align", 1, List.of()));
        backend.cancel(new RunHandle(new JobRef("proj", "wf", "S2.01-align"), running), "wrong input");
        assertThat(fake.calls("terminatejob")).isEqualTo(1);
        assertThat(fake.job(running).stoppedWhileRunning).isTrue();
        Map<String, RunStatus> st = backend.poll(List.of(new RunHandle(new JobRef("proj", "wf", "S2.01-align"), running)));
        assertThat(st.get(running).phase()).isEqualTo(RunStatus.Phase.FAILED);
        assertThat(st.get(running).detail()).contains("wrong input");
    }

    @Test
    void refusedCredentialsAreCritical() {
        fake.refuseCredentials = true;
        assertThatThrownBy(() -> backend.submit(request("S1.01-align", 1, List.of())))
                .isInstanceOf(BackendException.class).matches(e -> ((BackendException) e).isCritical())
                .hasMessageContaining("UnrecognizedClientException");
        assertThatThrownBy(() -> backend.poll(List.of(new RunHandle(new JobRef("p", "w", "j"), "x"))))
                .matches(e -> ((BackendException) e).isCritical());
    }

    @Test
    void givingUpLeavesTheDecisionToTheNextCycle() {
        fake.throttleNextSubmits.set(100);
        assertThatThrownBy(() -> backend.submit(request("S1.01-align", 1, List.of())))
                .isInstanceOf(BackendException.class).hasMessageContaining("no answer after 6 attempts")
                .matches(e -> ((BackendException) e).kind() == BackendException.Kind.RETRYABLE, "retryable");
        assertThat(fake.jobs()).isEmpty();
    }
}
