package dev.caravan.backend.slurm;

import dev.caravan.backend.BackendException;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.testkit.Poll;
import dev.caravan.model.Environment;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend against the real one-node cluster of {@code .ci/slurm-up}: submissions, the state mapping, refusals,
 * cancel, lost answers, dependencies, and the number of Slurm calls a poll makes. Skipped without a cluster.
 */
class SlurmBackendTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private SlurmCluster cluster;
    private final List<String> submitted = new ArrayList<>();

    @BeforeEach
    void cluster() {
        cluster = SlurmCluster.require();
    }

    /** Nothing a test started keeps running on the shared cluster. */
    @AfterEach
    void cancelLeftovers() throws IOException {
        if (!submitted.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("scancel"));
            cmd.addAll(submitted);
            cluster.run(cmd.toArray(String[]::new));
        }
    }

    @Test
    void aJobRunsInItsWorkFolderWithItsValuesAndCompletes() throws Exception {
        SlurmBackend backend = backend("echo sample {params.sample} of $CARAVAN_JOB_ID in $(pwd) as $SLURM_JOB_NAME;"
                + " echo to stderr >&2", Map.of());
        JobRef job = job("job.0001");
        SubmitRequest req = request(job, Map.of("sample", "it's S1"));
        String id = submit(backend, req);

        RunStatus st = await(backend, job, id, RunStatus.Phase.COMPLETED);
        assertThat(st.detail()).isEqualTo("Slurm job " + id + " COMPLETED");
        Path folder = dir.resolve("work/PACA-CA/2021-06-20/job.0001");
        assertThat(Files.readString(folder.resolve("slurm-" + id + ".out"))).isEqualTo(
                "sample it's S1 of job.0001 in " + folder + " as PACA-CA_2021-06-20_job.0001\n");
        assertThat(Files.readString(folder.resolve("slurm-" + id + ".err"))).isEqualTo("to stderr\n");
        assertThat(Files.readString(folder.resolve("slurm-" + id + ".exit"))).isEqualTo("0\n");
        assertThat(Files.readString(folder.resolve("slurm-" + WorkFolder.tag(req.token()) + ".jobid")).strip()).isEqualTo(id);
        assertThat(cluster.jobs()).anyMatch(l -> l.equals(id + "|COMPLETED|caravan:" + req.token()));
    }

    /** The job gets PATH, HOME and the like, Caravan's variables and Slurm's; not the rest of the daemon's. */
    @Test
    void theJobDoesNotGetTheDaemonsWholeEnvironment() throws Exception {
        SlurmBackend backend = backend("env", Map.of("export", "JAVA_HOME"));
        JobRef job = job("job.0013");
        String id = submit(backend, request(job, Map.of()));
        await(backend, job, id, RunStatus.Phase.COMPLETED);
        List<String> names = Files.readAllLines(dir.resolve("work/PACA-CA/2021-06-20/job.0013/slurm-" + id + ".out"))
                .stream().filter(l -> l.contains("=")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).contains("PATH", "HOME", "CARAVAN_GROUP", "CARAVAN_BATCH", "CARAVAN_JOB_ID", "SLURM_JOB_ID");
        // what slurmd or sh set themselves, whatever the job was given
        List<String> setByTheNode = List.of("HOSTNAME", "PWD", "OLDPWD", "SHLVL", "_", "ENVIRONMENT", "MAIL", "TMPDIR",
                "USER", "LOGNAME", "SHELL");
        List<String> held = System.getenv().keySet().stream()
                .filter(n -> !JobEnvironment.passes(n, List.of("JAVA_HOME")) && !setByTheNode.contains(n)).toList();
        assertThat(names).doesNotContainAnyElementsOf(held);
        if (System.getenv("JAVA_HOME") != null) {
            assertThat(names).as("named in export").contains("JAVA_HOME");
        }
    }

    @Test
    void aFailingJobFailsWithItsExitCodeAndTheEndOfItsStderr() throws Exception {
        SlurmBackend backend = backend("echo the input is missing >&2; exit 3", Map.of());
        JobRef job = job("job.0002");
        String id = submit(backend, request(job, Map.of()));

        RunStatus st = await(backend, job, id, RunStatus.Phase.FAILED);
        assertThat(st.detail()).isEqualTo("Slurm job " + id + " FAILED (NonZeroExitCode), exit 3; stderr: the input is missing");
    }

    @Test
    void resourcesComeFromTheEnvironmentUnlessTheJobSaysOtherwise() throws Exception {
        SlurmBackend backend = backend("echo $SLURM_CPUS_PER_TASK $SLURM_JOB_PARTITION", Map.of("partition", "short",
                "time", "1", "cpus", "1", "sbatch-options", "--nice=5"));
        JobRef a = job("job.0003");
        JobRef b = job("job.0004");
        String first = submit(backend, request(a, Map.of()));
        String second = submit(backend, request(b, Map.of("slurm", Map.of("partition", "debug", "cpus", 2,
                "sbatch-options", List.of("--nice=7")))));
        await(backend, a, first, RunStatus.Phase.COMPLETED);
        await(backend, b, second, RunStatus.Phase.COMPLETED);
        assertThat(Files.readString(dir.resolve("work/PACA-CA/2021-06-20/job.0003/slurm-" + first + ".out"))).isEqualTo("1 short\n");
        assertThat(Files.readString(dir.resolve("work/PACA-CA/2021-06-20/job.0004/slurm-" + second + ".out"))).isEqualTo("2 debug\n");
    }

    @Test
    void aJobSlurmRefusesIsBadInputNamingSbatchsError() throws Exception {
        SlurmBackend backend = backend("true", Map.of());
        JobRef job = job("job.0005");
        assertThatThrownBy(() -> backend.submit(request(job, Map.of("slurm", Map.of("partition", "nope")))))
                .isInstanceOfSatisfying(SlurmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BackendException.Kind.BAD_INPUT);
                    assertThat(e.isCritical()).isFalse();
                })
                .hasMessage("job PACA-CA/2021-06-20/job.0005: sbatch refused it (exit 1): sbatch: error: invalid partition"
                        + " specified: nope; sbatch: error: Batch job submission failed: Invalid partition name specified");
        assertThatThrownBy(() -> backend.submit(request(job, Map.of("slurm", Map.of("time", "soon")))))
                .isInstanceOfSatisfying(SlurmException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.BAD_INPUT))
                .hasMessageStartingWith("job PACA-CA/2021-06-20/job.0005: params.json field 'slurm.time': 'soon' is not a time limit");
        assertThatThrownBy(() -> backend.submit(request(job, Map.of("slurm", Map.of("sbatch-options", "--dep=afterok:1")))))
                .hasMessageContaining("'--dep' is set by Caravan itself");
        assertThat(cluster.jobsWithComment("caravan:PACA-CA/2021-06-20/job.0005")).isEmpty();
    }

    @Test
    void anUnreachableControllerIsRetryableAndNeverCritical() throws Exception {
        // the same cluster's settings with a port nobody listens on: what clients meet while slurmctld is down
        Path conf = dir.resolve("unreachable.conf");
        Files.writeString(conf, Files.readString(cluster.conf).replaceAll("(?m)^SlurmctldPort=.*$", "SlurmctldPort=1")
                .replaceAll("(?m)^MessageTimeout=.*$", "MessageTimeout=2"));
        Path calls = dir.resolve("calls.log");
        SlurmBackend backend = backend("true", Map.of("slurm-conf", conf.toString(),
                "slurm-bin", SlurmCluster.countingBin(dir, calls).toString()));
        JobRef job = job("job.0006");
        assertThatThrownBy(() -> backend.submit(request(job, Map.of())))
                .isInstanceOfSatisfying(SlurmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(BackendException.Kind.RETRYABLE);
                    assertThat(e.isCritical()).isFalse();
                })
                .hasMessageStartingWith("job PACA-CA/2021-06-20/job.0006: slurmctld unreachable, sbatch failed (exit 1):")
                .hasMessageContaining("Unable to contact slurm controller");
        // what follows within seconds is not sent: hundreds of releases would each wait for the same answer
        assertThatThrownBy(() -> backend.submit(request(job("job.0014"), Map.of())))
                .isInstanceOfSatisfying(SlurmException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.RETRYABLE))
                .hasMessageStartingWith("job PACA-CA/2021-06-20/job.0014: not sent: slurmctld was unreachable ");
        assertThat(Files.readAllLines(calls).stream().filter(l -> l.startsWith("sbatch"))).hasSize(1);

        SlurmBackend poller = backend("true", Map.of("slurm-conf", conf.toString()));
        assertThatThrownBy(() -> poller.poll(List.of(new RunHandle(job, "12"))))
                .isInstanceOfSatisfying(SlurmException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.RETRYABLE))
                .hasMessageStartingWith("env s: slurmctld unreachable: squeue (exit 1): slurm_load_jobs error: Unable to"
                        + " contact slurm controller");
    }

    @Test
    void aMissingToolIsCritical() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("sbatch"), "#!/bin/sh\nexit 0\n");
        bin.resolve("sbatch").toFile().setExecutable(true);
        SlurmBackend backend = backend("true", Map.of("slurm-bin", bin.toString()));
        assertThat(backend.healthProblem()).contains("env s: squeue is not an executable in " + bin + " (slurm-bin)");
        assertThatThrownBy(() -> backend.poll(List.of(new RunHandle(job("job.0007"), "12"))))
                .isInstanceOfSatisfying(SlurmException.class, e -> assertThat(e.isCritical()).isTrue())
                .hasMessageStartingWith("env s: cannot run " + bin.resolve("squeue"));
    }

    @Test
    void cancelEndsARunningJobAndTheReasonIsKept() throws Exception {
        SlurmBackend backend = backend("echo started; exec sleep 300", Map.of());
        JobRef job = job("job.0008");
        String id = submit(backend, request(job, Map.of()));
        Path out = dir.resolve("work/PACA-CA/2021-06-20/job.0008/slurm-" + id + ".out");
        Poll.until("job " + id + " started", DEADLINE, () -> Files.exists(out) && read(out).contains("started"));

        backend.cancel(new RunHandle(job, id), "operator asked");
        RunStatus st = await(backend, job, id, RunStatus.Phase.FAILED);
        assertThat(st.detail()).startsWith("Slurm job " + id + " CANCELLED").contains("; cancelled: operator asked");
        // cancelling again, once it ended, is no error
        backend.cancel(new RunHandle(job, id), "twice");
    }

    @Test
    void aLostAnswerIsFoundByTheSubmissionsCommentWhileItIsQueued() throws Exception {
        SlurmBackend backend = backend("echo ran", Map.of());
        JobRef later = job("job.0009");
        SubmitRequest held = request(later, Map.of("slurm", Map.of("sbatch-options", "--begin=now+1hour")));
        String heldId = submit(backend, held);
        // the engine asks with the intent's token only: no params
        assertThat(backend.findSubmission(new SubmitRequest(later, Map.of(), held.token(), 1, Optional.empty())))
                .contains(heldId);
        assertThat(backend.findSubmission(request(later, Map.of()))).isEmpty();
    }

    /**
     * Once slurmctld forgot a job: sacct -c reads the jobcomp file; without accounting, the job's exit file; and a lost
     * answer is found by the job id file the job script wrote when it started.
     */
    @Test
    void jobsThatLeftTheQueueAreAnsweredByAccountingOrByTheirExitFileAndFoundByTheirJobIdFile() throws Exception {
        SlurmBackend jobcomp = backend("[ {params.ok} = yes ] || { echo no good >&2; exit 4; }", Map.of("accounting", "jobcomp"));
        SlurmBackend none = backend("true", Map.of("accounting", "none"));
        JobRef good = job("job.0011");
        JobRef bad = job("job.0012");
        SubmitRequest goodRequest = request(good, Map.of("ok", "yes"));
        String goodId = submit(jobcomp, goodRequest);
        String badId = submit(jobcomp, request(bad, Map.of("ok", "no")));
        await(jobcomp, good, goodId, RunStatus.Phase.COMPLETED);
        await(jobcomp, bad, badId, RunStatus.Phase.FAILED);
        Poll.until("both left slurmctld's memory", DEADLINE, () -> jobsQuietly().stream()
                .noneMatch(l -> l.startsWith(goodId + "|") || l.startsWith(badId + "|")));

        assertThat(none.findSubmission(new SubmitRequest(good, Map.of(), goodRequest.token(), 1, Optional.empty())))
                .contains(goodId);

        List<RunHandle> both = List.of(new RunHandle(good, goodId), new RunHandle(bad, badId));
        assertThat(jobcomp.poll(both)).containsExactly(
                Map.entry(goodId, RunStatus.completed("Slurm job " + goodId + " COMPLETED")),
                Map.entry(badId, RunStatus.failed("Slurm job " + badId + " FAILED, exit 4; stderr: no good")));
        Path folder = dir.resolve("work/PACA-CA/2021-06-20");
        assertThat(none.poll(both)).containsExactly(
                Map.entry(goodId, RunStatus.completed("Slurm job " + goodId + " exit 0 ("
                        + folder.resolve("job.0011/slurm-" + goodId + ".exit") + ")")),
                Map.entry(badId, RunStatus.failed("Slurm job " + badId + " FAILED, exit 4; stderr: no good")));
        Files.delete(folder.resolve("job.0011/slurm-" + goodId + ".exit"));
        assertThat(none.poll(List.of(new RunHandle(good, goodId))).get(goodId))
                .isEqualTo(RunStatus.failed("Slurm job " + goodId + " left the queue without a trace: no accounting"
                        + " and no exit file " + folder.resolve("job.0011/slurm-" + goodId + ".exit")
                        + " (cancelled before it started, or lost with its node)"));
    }

    @Test
    void chainedJobsWaitWithAfterokAndADependencyThatFailedIsCancelledAndFailed() throws Exception {
        SlurmBackend backend = backend("date +%s%N > started; sleep 1; [ {params.ok} = yes ] || exit 5; date +%s%N > ended",
                Map.of());
        JobRef a = job("a.1");
        JobRef b = job("a.2");
        JobRef bad = job("b.1");
        JobRef never = job("b.2");
        String aId = submit(backend, request(a, Map.of("ok", "yes")));
        String bId = submit(backend, request(b, Map.of("ok", "yes"), aId));
        String badId = submit(backend, request(bad, Map.of("ok", "no")));
        String neverId = submit(backend, request(never, Map.of("ok", "yes"), badId));

        await(backend, b, bId, RunStatus.Phase.COMPLETED);
        Path work = dir.resolve("work/PACA-CA/2021-06-20");
        long aEnded = Long.parseLong(read(work.resolve("a.1/ended")).strip());
        long bStarted = Long.parseLong(read(work.resolve("a.2/started")).strip());
        assertThat(bStarted).as("a.2 starts after a.1 ended").isGreaterThan(aEnded);

        RunStatus st = await(backend, never, neverId, RunStatus.Phase.FAILED);
        assertThat(st.detail()).isEqualTo("Slurm job " + neverId + " can never start: its dependency afterok:" + badId
                + "(failed) will never be satisfied; cancelled");
        assertThat(cluster.jobs()).anyMatch(l -> l.startsWith(neverId + "|CANCELLED|caravan:PACA-CA/2021-06-20/b.2#1-"));
        assertThat(work.resolve("b.2/started")).doesNotExist();

        // a job released after its predecessor failed is refused, not left pending for ever
        JobRef late = job("b.3");
        assertThatThrownBy(() -> backend.submit(request(late, Map.of("ok", "yes"), badId)))
                .isInstanceOfSatisfying(SlurmException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.RETRYABLE))
                .hasMessage("job PACA-CA/2021-06-20/b.3 runs after Slurm job " + badId + ", which is FAILED; it stays in"
                        + " backlog until that job's end is known");
    }

    /** The figure: one squeue and at most one sacct per poll, whatever the number of jobs in flight. */
    @ParameterizedTest
    @ValueSource(strings = {"text", "json"})
    void everyPollIsOneSqueueAndAtMostOneSacct(String output) throws Exception {
        Path calls = dir.resolve("calls.log");
        Path bin = SlurmCluster.countingBin(dir, calls);
        SlurmBackend backend = backend("sleep 0.{params.n}; [ {params.n} -lt 9 ]",
                Map.of("slurm-bin", bin.toString(), "squeue-output", output, "accounting", "jobcomp"));
        List<RunHandle> runs = new ArrayList<>();
        for (int n = 1; n <= 12; n++) {
            JobRef job = job(String.format("job.%04d", 100 + n));
            runs.add(new RunHandle(job, submit(backend, request(job, Map.of("n", n)))));
        }
        Files.deleteIfExists(calls);
        List<Map<String, RunStatus>> rounds = new ArrayList<>();
        Poll.until("all 12 jobs ended", DEADLINE, () -> {
            try {
                Map<String, RunStatus> round = backend.poll(runs);
                List<String> made = Files.readAllLines(calls);
                Files.delete(calls);
                assertThat(made.stream().filter(c -> c.startsWith("squeue")).count()).as("squeue calls in one poll: " + made)
                        .isEqualTo(1);
                assertThat(made.stream().filter(c -> c.startsWith("sacct")).count()).as("sacct calls in one poll").isLessThanOrEqualTo(1);
                assertThat(made).allMatch(c -> c.startsWith("squeue") || c.startsWith("sacct"));
                rounds.add(round);
                return round.values().stream().allMatch(RunStatus::isFinished);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Map<String, RunStatus> last = rounds.get(rounds.size() - 1);
        assertThat(last.values().stream().filter(s -> s.phase() == RunStatus.Phase.COMPLETED)).hasSize(8);
        assertThat(last.values().stream().filter(s -> s.phase() == RunStatus.Phase.FAILED)).hasSize(4);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    private SlurmBackend backend(String command, Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("command", command);
        s.put("slurm-conf", cluster.conf.toString());
        s.putAll(extra);
        Environment env = new Environment("s", "slurm", 100, 0, s);
        new SlurmBackendFactory().validate(env);
        return (SlurmBackend) new SlurmBackendFactory().create(env,
                new BackendContext(dir.resolve("work").toAbsolutePath(), Clock.systemUTC()));
    }

    private static SubmitRequest request(JobRef job, Map<String, Object> params, String... after) {
        return new SubmitRequest(job, params, job.path() + "#1-" + UUID.randomUUID().toString().substring(0, 8), 1,
                Optional.empty(), List.of(after));
    }

    private String submit(SlurmBackend backend, SubmitRequest req) throws Exception {
        String id = backend.submit(req);
        submitted.add(id);
        return id;
    }

    private static JobRef job(String id) {
        return new JobRef("PACA-CA", "2021-06-20", id);
    }

    private static RunStatus await(SlurmBackend backend, JobRef job, String id, RunStatus.Phase phase) {
        RunStatus[] last = new RunStatus[1];
        Poll.until("Slurm job " + id + " " + phase, DEADLINE, () -> {
            try {
                last[0] = backend.poll(List.of(new RunHandle(job, id))).get(id);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            assertThat(last[0].phase()).as(last[0].detail()).isIn(RunStatus.Phase.IN_FLIGHT, phase);
            return last[0].phase() == phase;
        });
        return last[0];
    }

    private List<String> jobsQuietly() {
        try {
            return cluster.jobs();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
