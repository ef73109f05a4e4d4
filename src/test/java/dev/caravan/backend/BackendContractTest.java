package dev.caravan.backend;

import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import dev.caravan.model.RunStatus.Phase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What every backend kind promises the engine ({@link Backend}): submit answers a run id; one poll call reports many
 * runs, each in flight until it ends COMPLETED or FAILED with a reason; a run id the backend never issued is UNKNOWN,
 * not an error; a submission whose answer was lost is found again by its token, from a new backend instance as after
 * a restart, and a submission never sent is not; cancel ends a running run as FAILED and may be repeated; an
 * unreachable service is {@link BackendException.Kind#RETRYABLE}, refused credentials
 * {@link BackendException.Kind#CRITICAL}, a job the service refuses {@link BackendException.Kind#BAD_INPUT}; no
 * message shows a secret.
 *
 * <p>Each kind runs it through a subclass that says how to reach its service (an emulator, moto, this machine) and
 * how to make that service misbehave. A point a kind cannot express is skipped with {@code Assumptions.abort} saying
 * why, never passed silently. Waiting is polling with a deadline.
 */
public abstract class BackendContractTest {

    protected static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long POLL_INTERVAL_MILLIS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How a job ends on the service. */
    protected enum Outcome { SUCCEEDS, FAILS, RUNS_UNTIL_CANCELLED }

    private final List<Backend> opened = new ArrayList<>();
    private final List<RunHandle> leftRunning = new ArrayList<>();

    // --- what each kind supplies ---------------------------------------------------------------

    /** A new backend on the service under test; a second one sees what the first did, as after a restart. */
    protected abstract Backend createBackend() throws Exception;

    /** params.json of a job that ends as {@code outcome} says. */
    protected abstract Map<String, Object> params(Outcome outcome);

    /** params.json of a job the service refuses (an unknown queue, gear, missing parameter, ...). */
    protected abstract Map<String, Object> rejectedParams();

    /** A run id in this kind's own format that the service never issued. */
    protected abstract String neverIssuedRunId();

    /** How many runs the service holds for this submission (its token): one, never two. */
    protected abstract int runsOnService(SubmitRequest request) throws Exception;

    /**
     * Submits so that the service accepts the run but its answer never reaches the caller.
     *
     * @return what submit answered when the backend recovered the lost answer itself; empty when it could not (its
     *     failure must be {@link BackendException.Kind#RETRYABLE}: see {@link #submitExpectingRetryable})
     */
    protected abstract Optional<String> submitLosingTheAnswer(Backend backend, SubmitRequest request) throws Exception;

    /** A backend whose credentials the service refuses. */
    protected abstract Backend backendWithRefusedCredentials() throws Exception;

    /** A backend whose service cannot be reached. */
    protected abstract Backend unreachableBackend() throws Exception;

    /** Whether a status in flight says the run is executing (not only queued): cancel is tried on such a run. */
    protected abstract boolean isRunning(RunStatus status);

    /** Secrets the backends of this kind hold (keys, passwords, tokens): no message may show one. */
    protected Set<String> secrets() {
        return Set.of();
    }

    /** One step of a service whose runs move only when told (an emulator); nothing where runs move by themselves. */
    protected void progress() throws Exception {
    }

    /** Submits a job; a kind whose service decides the outcome at submission arranges it here. */
    protected String submit(Backend backend, Outcome outcome, SubmitRequest request) throws Exception {
        return backend.submit(request);
    }

    // --- the contract ----------------------------------------------------------------------------

    @Test
    void submitAnswersARunIdAndOnePollCallFollowsManyRunsToTheirEnd() throws Exception {
        Backend backend = backend();
        SubmitRequest ok = request("job.0001", Outcome.SUCCEEDS);
        SubmitRequest bad = request("job.0002", Outcome.FAILS);
        RunHandle okRun = handle(ok, submit(backend, Outcome.SUCCEEDS, ok));
        RunHandle badRun = handle(bad, submit(backend, Outcome.FAILS, bad));
        assertThat(okRun.runId()).as("run id").isNotBlank().isNotEqualTo(badRun.runId());
        assertThat(badRun.runId()).as("run id").isNotBlank();

        Map<String, RunStatus> end = awaitPolls(backend, List.of(okRun, badRun), all -> {
            all.values().forEach(s -> assertThat(s.phase()).as("a run this backend issued: %s", s)
                    .isNotEqualTo(Phase.UNKNOWN));
            return all.values().stream().allMatch(RunStatus::isFinished);
        });

        assertThat(end.get(okRun.runId()).phase()).as("%s", end.get(okRun.runId())).isEqualTo(Phase.COMPLETED);
        assertThat(end.get(badRun.runId()).phase()).as("%s", end.get(badRun.runId())).isEqualTo(Phase.FAILED);
        assertThat(end.get(badRun.runId()).detail()).as("the failure's reason").isNotBlank();
        assertThat(end.values()).extracting(RunStatus::detail).allSatisfy(this::assertNoSecret);
    }

    @Test
    void aRunIdTheBackendNeverIssuedIsUnknownNotAnError() throws Exception {
        Backend backend = backend();
        SubmitRequest ok = request("job.0001", Outcome.SUCCEEDS);
        RunHandle real = handle(ok, submit(backend, Outcome.SUCCEEDS, ok));
        RunHandle ghost = new RunHandle(job("job.0009"), neverIssuedRunId());

        Map<String, RunStatus> both = backend.poll(List.of(ghost, real));

        assertThat(both).containsOnlyKeys(ghost.runId(), real.runId());
        assertThat(both.get(ghost.runId()).phase()).as("%s", both.get(ghost.runId())).isEqualTo(Phase.UNKNOWN);
        assertThat(both.get(real.runId()).phase()).isNotEqualTo(Phase.UNKNOWN);
        assertThat(backend.poll(List.of(ghost)).get(ghost.runId()).phase()).isEqualTo(Phase.UNKNOWN);
        assertThat(backend.poll(List.of())).isEmpty();
    }

    @Test
    void aLostSubmitAnswerIsFoundAgainByItsTokenAndANeverSentOneIsNot() throws Exception {
        Backend backend = backend();
        SubmitRequest answered = request("job.0001", Outcome.SUCCEEDS);
        String answeredId = submit(backend, Outcome.SUCCEEDS, answered);
        SubmitRequest lost = request("job.0002", Outcome.SUCCEEDS);

        Optional<String> returned = submitLosingTheAnswer(backend, lost);

        Backend restarted = backend();
        Optional<String> found = restarted.findSubmission(lost);
        assertThat(found).as("the lost submission, looked up by its token").isPresent();
        returned.ifPresent(id -> assertThat(found).as("what submit recovered").contains(id));
        assertThat(runsOnService(lost)).as("runs on the service for one submission").isEqualTo(1);
        assertThat(restarted.findSubmission(answered)).contains(answeredId);

        SubmitRequest sameJobNewToken = new SubmitRequest(answered.job(), answered.params(), token(answered.job(), 2),
                2, Optional.empty());
        assertThat(restarted.findSubmission(sameJobNewToken)).as("another submission of the same job").isEmpty();
        assertThat(restarted.findSubmission(request("job.0003", Outcome.SUCCEEDS))).as("a job never sent").isEmpty();

        RunHandle recovered = handle(lost, found.get());
        RunStatus end = awaitPolls(restarted, List.of(recovered), all -> all.get(recovered.runId()).isFinished())
                .get(recovered.runId());
        assertThat(end.phase()).as("the recovered run is a real one: %s", end).isEqualTo(Phase.COMPLETED);
    }

    @Test
    void cancelEndsARunningRunAsFailedAndMayBeRepeated() throws Exception {
        Backend backend = backend();
        SubmitRequest endless = request("job.0001", Outcome.RUNS_UNTIL_CANCELLED);
        RunHandle run = handle(endless, submit(backend, Outcome.RUNS_UNTIL_CANCELLED, endless));
        leftRunning.add(run);
        awaitPolls(backend, List.of(run), all -> {
            RunStatus s = all.get(run.runId());
            assertThat(s.isFinished()).as("a run that runs until cancelled ended: %s", s).isFalse();
            return isRunning(s);
        });

        backend.cancel(run, "contract: stop it");
        backend.cancel(run, "contract: stop it again");
        RunStatus end = awaitPolls(backend, List.of(run), all -> all.get(run.runId()).isFinished()).get(run.runId());
        leftRunning.remove(run);

        assertThat(end.phase()).as("%s", end).isEqualTo(Phase.FAILED);
        backend.cancel(run, "contract: after the end");
        assertThat(backend.poll(List.of(run)).get(run.runId()).phase()).isEqualTo(Phase.FAILED);
    }

    @Test
    void anUnreachableServiceIsRetryable() throws Exception {
        Backend backend = track(unreachableBackend());
        SubmitRequest r = request("job.0001", Outcome.SUCCEEDS);
        RunHandle h = new RunHandle(r.job(), neverIssuedRunId());
        assertKind(BackendException.Kind.RETRYABLE, "submit", () -> backend.submit(r));
        assertKind(BackendException.Kind.RETRYABLE, "poll", () -> backend.poll(List.of(h)));
        assertKind(BackendException.Kind.RETRYABLE, "findSubmission", () -> backend.findSubmission(r));
        assertKind(BackendException.Kind.RETRYABLE, "cancel", () -> backend.cancel(h, "contract"));
    }

    @Test
    void refusedCredentialsAreCritical() throws Exception {
        Backend backend = track(backendWithRefusedCredentials());
        SubmitRequest r = request("job.0001", Outcome.SUCCEEDS);
        assertKind(BackendException.Kind.CRITICAL, "submit", () -> backend.submit(r));
        assertKind(BackendException.Kind.CRITICAL, "poll",
                () -> backend.poll(List.of(new RunHandle(r.job(), neverIssuedRunId()))));
        assertKind(BackendException.Kind.CRITICAL, "findSubmission", () -> backend.findSubmission(r));
        assertThat(runsOnService(r)).isZero();
    }

    @Test
    void aJobTheServiceRefusesIsBadInputNamingTheJob() throws Exception {
        Backend backend = backend();
        SubmitRequest r = new SubmitRequest(job("job.0001"), rejectedParams(), token(job("job.0001"), 1), 1,
                Optional.empty());
        BackendException e = assertKind(BackendException.Kind.BAD_INPUT, "submit", () -> backend.submit(r));
        assertThat(e.getMessage()).contains(r.job().path());
        assertThat(runsOnService(r)).isZero();
    }

    // --- helpers for subclasses ------------------------------------------------------------------

    /** The job of the contract's requests: {@code contract/b1/<jobId>}. */
    protected static JobRef job(String jobId) {
        return new JobRef("contract", "b1", jobId);
    }

    /** A fresh token as the engine makes one: {@code group/batch/job#attempt-nonce}. */
    protected static String token(JobRef job, int attempt) {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return job.path() + "#" + attempt + "-" + HexFormat.of().formatHex(b);
    }

    /** Submits; a failure must be RETRYABLE (the backend cannot know whether the run exists). */
    protected static Optional<String> submitExpectingRetryable(Backend backend, SubmitRequest request) {
        try {
            return Optional.of(backend.submit(request));
        } catch (BackendException e) {
            assertThat(e.kind()).as("a submission whose answer was lost: %s", e.getMessage())
                    .isEqualTo(BackendException.Kind.RETRYABLE);
            return Optional.empty();
        }
    }

    /** A port on 127.0.0.1 nothing listens on (taken and given back at once). */
    protected static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // --- plumbing --------------------------------------------------------------------------------

    private Backend backend() throws Exception {
        return track(createBackend());
    }

    private Backend track(Backend b) {
        opened.add(b);
        return b;
    }

    private SubmitRequest request(String jobId, Outcome outcome) {
        JobRef job = job(jobId);
        return new SubmitRequest(job, params(outcome), token(job, 1), 1, Optional.empty());
    }

    private static RunHandle handle(SubmitRequest request, String runId) {
        return new RunHandle(request.job(), runId);
    }

    /** Polls all runs in one call each time (letting the service take a step first) until {@code done} holds. */
    private Map<String, RunStatus> awaitPolls(Backend backend, Collection<RunHandle> runs,
                                              Predicate<Map<String, RunStatus>> done) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            progress();
            Map<String, RunStatus> all = backend.poll(runs);
            assertThat(all.keySet()).as("one answer per run").containsExactlyInAnyOrderElementsOf(
                    runs.stream().map(RunHandle::runId).toList());
            if (done.test(all)) {
                return all;
            }
            if (System.nanoTime() > deadline) {
                fail("still " + all + " after " + DEADLINE);
            }
            Thread.sleep(POLL_INTERVAL_MILLIS); // the interval between polls; the condition decides
        }
    }

    private BackendException assertKind(BackendException.Kind kind, String call, Executable action) {
        try {
            action.execute();
        } catch (BackendException e) {
            assertThat(e.kind()).as("%s: %s", call, e.getMessage()).isEqualTo(kind);
            assertNoSecret(e.getMessage());
            return e;
        } catch (Throwable t) {
            throw new AssertionError(call + " threw " + t + " instead of a " + kind + " BackendException", t);
        }
        throw new AssertionError(call + " did not fail; expected a " + kind + " BackendException");
    }

    private void assertNoSecret(String text) {
        for (String secret : secrets()) {
            assertThat(text).as("a message").doesNotContain(secret);
        }
    }

    /** Runs a failed test left going are stopped; every backend is closed. */
    @AfterEach
    void stopWhatIsLeft() {
        for (RunHandle run : leftRunning) {
            try {
                opened.get(0).cancel(run, "contract test cleanup");
            } catch (Exception e) {
                // best effort: the test has already failed
            }
        }
        opened.forEach(Backend::close);
    }
}
