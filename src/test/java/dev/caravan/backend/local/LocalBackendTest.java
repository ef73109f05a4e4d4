package dev.caravan.backend.local;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.Environment;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real processes in a temporary work folder; every wait polls with a deadline. */
class LocalBackendTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final JobRef JOB = new JobRef("PACA-CA", "2021-07-09", "SA123");

    @TempDir
    Path workDir;

    /** Runs a test left going would keep writing into the folder JUnit is about to delete. */
    @AfterEach
    void stopEveryRun() throws Exception {
        Backend backend = backend("true");
        List<String> runIds;
        try (Stream<Path> files = Files.walk(workDir)) {
            runIds = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("local-[0-9a-f]{12}\\.launch"))
                    .map(n -> n.substring(0, n.length() - ".launch".length())).toList();
        }
        for (String runId : runIds) {
            long pid = awaitPid(new RunFolder(workDir, JOB, runId));
            if (ProcessProbe.groupAlive(pid)) {
                ProcessProbe.signalGroup(pid, "KILL");
            }
            awaitFinished(backend, new RunHandle(JOB, runId));
            awaitTrue(() -> !ProcessProbe.groupAlive(pid), "process group " + pid + " gone");
        }
    }

    @Test
    void substitutedValuesReachTheCommandLiterallyInTheJobsFolder() throws Exception {
        String nasty = "it's a \"test\" $(rm -rf x) `id` ; echo pwned & * ~ \\ {job_id}";
        Backend backend = backend("printf '%s' {params.name} > out.txt"
                + " && printf '%s|%s|%s|%s|%s|%s' {job_id} {group} {batch} {params.n} {params.flag} {params.obj} > ids.txt"
                + " && pwd -P > cwd.txt");
        Map<String, Object> params = Map.of("name", nasty, "n", 42, "flag", true, "obj", Map.of("a", List.of(1, "b")));

        RunHandle run = submit(backend, params, "t1");

        assertThat(awaitFinished(backend, run).phase()).isEqualTo(RunStatus.Phase.COMPLETED);
        Path jobDir = workDir.resolve("PACA-CA/2021-07-09/SA123");
        assertThat(Files.readString(jobDir.resolve("out.txt"))).isEqualTo(nasty);
        assertThat(Files.readString(jobDir.resolve("ids.txt")))
                .isEqualTo("SA123|PACA-CA|2021-07-09|42|true|{\"a\":[1,\"b\"]}");
        assertThat(Files.readString(jobDir.resolve("cwd.txt")).strip()).isEqualTo(jobDir.toRealPath().toString());
        assertThat(jobDir.resolve("x")).doesNotExist();
    }

    @Test
    void exitZeroIsCompleted() throws Exception {
        Backend backend = backend("echo hello");

        RunHandle run = submit(backend, Map.of(), "t1");

        assertThat(awaitFinished(backend, run)).isEqualTo(RunStatus.completed("exit 0"));
        assertThat(workDir.resolve("PACA-CA/2021-07-09/SA123/" + run.runId() + ".stdout")).hasContent("hello");
    }

    @Test
    void nonZeroExitIsFailedWithTheLastStderrLines() throws Exception {
        Backend backend = backend("for i in 1 2 3 4 5 6 7; do echo line$i >&2; done; echo; echo 'bad input: SA123' >&2; exit 3");

        RunStatus status = awaitFinished(backend, submit(backend, Map.of(), "t1"));

        assertThat(status.phase()).isEqualTo(RunStatus.Phase.FAILED);
        assertThat(status.detail()).startsWith("exit 3: ").contains("bad input: SA123").contains("line4")
                .doesNotContain("line3");
    }

    @Test
    void aNewBackendInstanceFollowsRunsStartedByAnEarlierOne() throws Exception {
        String command = "while [ ! -e go ]; do sleep 0.05; done; echo done";
        Backend first = backend(command);
        RunHandle run = submit(first, Map.of(), "t1");
        first.close();

        Backend restarted = backend(command);
        assertThat(restarted.poll(List.of(run)).get(run.runId()).phase()).isEqualTo(RunStatus.Phase.IN_FLIGHT);
        RunStatus running = await(restarted, run, s -> s.detail().startsWith("running"));
        assertThat(running.phase()).isEqualTo(RunStatus.Phase.IN_FLIGHT);

        Files.createFile(workDir.resolve("PACA-CA/2021-07-09/SA123/go"));

        assertThat(awaitFinished(restarted, run).phase()).isEqualTo(RunStatus.Phase.COMPLETED);
        assertThat(backend(command).poll(List.of(run)).get(run.runId()).phase())
                .isEqualTo(RunStatus.Phase.COMPLETED);
    }

    /** Fault suite finding: a daemon killed between writing the launch file and spawning left a run that never ran. */
    @Test
    void aRunPreparedButNeverSpawnedIsNotFoundSoTheJobIsReleasedAgain() throws Exception {
        String runId = RunIds.forToken("t9");
        RunFolder run = new RunFolder(workDir, JOB, runId);
        Files.createDirectories(run.dir());
        run.writeScript("echo never");
        run.writeLaunch(new RunFolder.Launch("t9", System.currentTimeMillis() - LocalBackend.NEVER_SPAWNED.toMillis() - 1000));

        assertThat(backend("true").findSubmission(request(Map.of(), "t9"))).isEmpty();
        assertThat(run.launchFile()).doesNotExist();
    }

    @Test
    void theSameTokenTwiceStartsOneRun() throws Exception {
        Backend backend = backend("echo x >> runs.txt");
        RunHandle run = submit(backend, Map.of(), "t1");
        awaitFinished(backend, run);

        assertThat(backend.submit(request(Map.of(), "t1"))).isEqualTo(run.runId());
        assertThat(workDir.resolve("PACA-CA/2021-07-09/SA123/runs.txt")).hasContent("x");
    }

    @Test
    void aRunKilledFromOutsideIsFailedAsVanished() throws Exception {
        Backend backend = backend("sleep 300");
        RunHandle run = submit(backend, Map.of(), "t1");
        RunFolder folder = new RunFolder(workDir, JOB, run.runId());
        long pid = awaitPid(folder);

        assertThat(ProcessProbe.signalGroup(pid, "KILL")).isTrue();

        RunStatus status = awaitFinished(backend, run);
        assertThat(status.phase()).isEqualTo(RunStatus.Phase.FAILED);
        assertThat(status.detail()).contains("vanished");
    }

    @Test
    void cancelKillsTheWholeTreeAndPollReportsTheReason() throws Exception {
        Backend backend = backend("sleep 300 & echo $! > child.pid; wait");
        RunHandle run = submit(backend, Map.of(), "t1");
        Path childPidFile = workDir.resolve("PACA-CA/2021-07-09/SA123/child.pid");
        long child = awaitFile(childPidFile);
        assertThat(running(child)).isTrue();

        backend.cancel(run, "operator said stop");

        assertThat(running(child)).as("sleep child %d after cancel", child).isFalse();
        assertThat(backend.poll(List.of(run)).get(run.runId()))
                .isEqualTo(RunStatus.failed("cancelled: operator said stop"));
    }

    @Test
    void cancellingAnUnknownRunNamesIt() {
        Backend backend = backend("true");
        RunHandle ghost = new RunHandle(JOB, "local-0123456789ab");

        assertThatThrownBy(() -> backend.cancel(ghost, "why not"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("PACA-CA/2021-07-09/SA123").hasMessageContaining("local-0123456789ab");
    }

    @Test
    void aMissingParamsFieldRefusesTheSubmissionNamingJobAndField() {
        Backend backend = backend("./align.sh {params.sample_id}");

        assertThatThrownBy(() -> backend.submit(request(Map.of("other", "x"), "t1")))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind())
                        .isEqualTo(BackendException.Kind.BAD_INPUT))
                .hasMessageContaining("PACA-CA/2021-07-09/SA123")
                .hasMessageContaining("sample_id");
        assertThat(workDir.resolve("PACA-CA")).doesNotExist();
    }

    /** Every run needs the work folder: no local run can start, so the environment stops releasing (CRITICAL). */
    @Test
    void aWorkFolderItCannotWriteIsCritical() throws IOException {
        Path notADir = Files.createFile(workDir.resolve("plain-file"));
        Backend broken = new LocalBackendFactory().create(env("true"), new BackendContext(notADir, Clock.systemUTC()));

        assertThatThrownBy(() -> broken.submit(request(Map.of(), "t1")))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.kind())
                        .isEqualTo(BackendException.Kind.CRITICAL))
                .hasMessageContaining("PACA-CA/2021-07-09/SA123").hasMessageContaining(notADir.toString());
    }

    @Test
    void runsItNeverStartedAreUnknown() throws Exception {
        Backend backend = backend("true");

        Map<String, RunStatus> answers = backend.poll(List.of(new RunHandle(JOB, "local-0123456789ab"),
                new RunHandle(JOB, "wes-1234")));

        assertThat(answers.get("local-0123456789ab")).isEqualTo(RunStatus.unknown("no such local run"));
        assertThat(answers.get("wes-1234").phase()).isEqualTo(RunStatus.Phase.UNKNOWN);
    }

    @Test
    void healthIsFineOnAWritableFolderAndNamesAFolderThatIsNot() throws IOException {
        assertThat(backend("true").healthProblem()).isEmpty();

        Path notADir = Files.createFile(workDir.resolve("plain-file"));
        Backend broken = new LocalBackendFactory().create(env("true"), new BackendContext(notADir, Clock.systemUTC()));
        assertThat(broken.healthProblem()).hasValueSatisfying(p -> assertThat(p).contains(notADir.toString()));
    }

    // --- helpers

    private Backend backend(String command) {
        return new LocalBackendFactory().create(env(command), new BackendContext(workDir, Clock.systemUTC()));
    }

    private static Environment env(String command) {
        return new Environment("test", "local", 4, 3, Map.of("command", command));
    }

    private static SubmitRequest request(Map<String, Object> params, String token) {
        return new SubmitRequest(JOB, params, token, 1, Optional.empty());
    }

    private static RunHandle submit(Backend backend, Map<String, Object> params, String token) throws BackendException {
        String runId = backend.submit(request(params, token));
        assertThat(runId).matches("local-[0-9a-f]{12}");
        return new RunHandle(JOB, runId);
    }

    private static RunStatus awaitFinished(Backend backend, RunHandle run) throws Exception {
        return await(backend, run, RunStatus::isFinished);
    }

    private static RunStatus await(Backend backend, RunHandle run, Predicate<RunStatus> done) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        RunStatus status = backend.poll(List.of(run)).get(run.runId());
        while (!done.test(status)) {
            assertThat(System.nanoTime()).as("run %s still %s after %s", run.runId(), status, DEADLINE)
                    .isLessThan(deadline);
            Thread.sleep(20);
            status = backend.poll(List.of(run)).get(run.runId());
        }
        return status;
    }

    private static long awaitPid(RunFolder folder) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Optional<RunFolder.PidRecord> pid = folder.readPid();
        while (pid.isEmpty()) {
            assertThat(System.nanoTime()).as("pid file of %s", folder.runId()).isLessThan(deadline);
            Thread.sleep(20);
            pid = folder.readPid();
        }
        return pid.get().pid();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** A file holding one pid, written by the command once it has forked. */
    private static long awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            String text = Files.exists(file) ? Files.readString(file).strip() : "";
            if (text.matches("\\d+")) {
                return Long.parseLong(text);
            }
            assertThat(System.nanoTime()).as("waiting for %s", file).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Zombies count as gone: the reaper of an orphan is not ours to wait for. */
    private static boolean running(long pid) {
        return ProcessProbe.stat(pid).map(s -> !s.isDead()).orElse(false);
    }
}
