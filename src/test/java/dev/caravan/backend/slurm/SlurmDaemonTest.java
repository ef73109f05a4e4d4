package dev.caravan.backend.slurm;

import dev.caravan.testkit.FlowTest;

import dev.caravan.backend.BackendContext;
import dev.caravan.backend.RunHandle;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.LogCapture;
import dev.caravan.testkit.Poll;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole daemons (Camel Main, the YAML routes, a tracking remote) on a slurm environment of the real cluster: a batch of
 * 50 under max-parallel-runs 8 with chains, a failure, a time-out and a cancel; and slurmctld stopped and started
 * again while jobs are out. Skipped without a cluster.
 */
@FlowTest
class SlurmDaemonTest {

    private static final String ACTIVE_STATES = "PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED,REQUEUED";

    @TempDir
    Path dir;

    private SlurmCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = SlurmCluster.require();
    }

    @Test
    void fiftyJobsWithEightAtATimeChainsAFailureATimeOutAndACancel() throws Exception {
        SlurmFlow flow = new SlurmFlow(dir);
        for (int i = 1; i <= 50; i++) {
            String id = String.format("job.%04d", i);
            switch (i) {
                case 7 -> flow.job(id, 0.2, true, "");
                case 11 -> flow.job(id, 0.5, false, "", "job.0010");
                case 12 -> flow.job(id, 0.2, false, "", "job.0011");
                // over its one-minute limit on the short partition: Slurm ends it with TIMEOUT
                case 20 -> flow.job(id, 600, false, "\"slurm\": {\"partition\": \"short\", \"time\": \"1\"}");
                case 30 -> flow.job(id, 600, false, "");
                default -> flow.job(id, 0.3 + (i % 5) * 0.2, false, "");
            }
        }
        Map<String, String> settings = flow.settings(cluster, 8);
        AtomicInteger maxInSlurm = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> sample(flow.commentPrefix(), maxInSlurm, sampling), "squeue-sampler");
        try (LogCapture log = LogCapture.attach(); DaemonHarness daemon = DaemonHarness.start(dir, settings)) {
            sampler.start();
            JobRef cancelled = new JobRef(SlurmFlow.GROUP, flow.batch, "job.0030");
            Poll.until("job.0030 running", Duration.ofSeconds(120), SlurmFlow.cycleThen(daemon,
                    () -> runsQuietly(flow).stream().anyMatch(r -> r.job().equals("job.0030#1"))));
            String runId = daemon.engine().inspect(t -> t.index().get(cancelled)).flatMap(Job::newestRun)
                    .orElseThrow().runId();
            backendLike(settings).cancel(new RunHandle(cancelled, runId), "the test cancels it");

            Poll.until("every job ended", Duration.ofSeconds(240), SlurmFlow.cycleThen(daemon,
                    () -> flow.jobsIn("backlog").isEmpty() && flow.jobsIn("queued").isEmpty()));
            sampling.set(false);
            sampler.join();

            assertThat(flow.jobsIn("failed")).containsExactly("job.0007", "job.0020", "job.0030");
            assertThat(flow.jobsIn("completed")).hasSize(47);
            String all = log.all();
            assertThat(all).containsPattern("job\\.0007 \\(run \\d+\\): Slurm job \\d+ FAILED \\(NonZeroExitCode\\),"
                    + " exit 4; stderr: job job\\.0007 said no");
            assertThat(all).containsPattern("job\\.0020 \\(run \\d+\\): Slurm job \\d+ TIMEOUT");
            assertThat(all).containsPattern("job\\.0030 \\(run \\d+\\): Slurm job \\d+ CANCELLED[^\\n]*; cancelled: the"
                    + " test cancels it");
        }
        assertThat(maxInSlurm.get()).as("most of this batch's jobs in Slurm at once").isBetween(2, 8);
        List<SlurmFlow.Run> runs = flow.runs();
        assertThat(maxOverlap(runs)).as("most jobs running at once").isLessThanOrEqualTo(8);
        assertThat(flow.startsPerJob()).as("every job started once").hasSize(50).allSatisfy((job, n) -> assertThat(n).isOne());
        for (int i = 1; i <= 50; i++) {
            assertThat(flow.markers(String.format("job.%04d", i))).hasSize(1);
        }
        assertThat(start(runs, "job.0011")).isGreaterThan(end(runs, "job.0010"));
        assertThat(start(runs, "job.0012")).isGreaterThan(end(runs, "job.0011"));
    }

    @Test
    void slurmctldStoppedAndStartedAgainLosesNothingAndRunsNothingTwice() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(cluster.ownsController(),
                "the cluster is not the one .ci/slurm-up started: the test will not stop its slurmctld");
        SlurmFlow flow = new SlurmFlow(dir);
        IntStream.rangeClosed(1, 12).forEach(i -> job(flow, String.format("job.%04d", i)));
        try (LogCapture log = LogCapture.attach(); DaemonHarness daemon = DaemonHarness.start(dir, flow.settings(cluster, 6))) {
            cluster.stopController();
            try {
                daemon.cycle(); // sbatch cannot reach slurmctld: the six jobs stay in backlog
                assertThat(flow.jobsIn("backlog")).hasSize(12);
                assertThat(log.all()).contains("6 jobs not submitted to hpc (left in backlog)")
                        .contains("slurmctld unreachable, sbatch failed");
            } finally {
                cluster.startController();
            }
            Poll.until("six jobs out", Duration.ofSeconds(60),
                    SlurmFlow.cycleThen(daemon, () -> flow.jobsIn("queued").size() == 6));

            cluster.stopController();
            try {
                List<String> queued = flow.jobsIn("queued");
                daemon.cycle(); // squeue cannot reach it: nothing moves, however the jobs are doing
                assertThat(flow.jobsIn("queued")).isEqualTo(queued);
                assertThat(flow.jobsIn("backlog")).hasSize(6);
                assertThat(log.all()).contains("cannot poll hpc (no job moved, will ask again next cycle): env hpc:"
                        + " slurmctld unreachable: squeue");
            } finally {
                cluster.startController();
            }
            Poll.until("every job completed", Duration.ofSeconds(120),
                    SlurmFlow.cycleThen(daemon, () -> flow.jobsIn("completed").size() == 12));
        }
        assertThat(flow.startsPerJob()).hasSize(12).allSatisfy((job, n) -> assertThat(n).isOne());
        for (int i = 1; i <= 12; i++) {
            assertThat(flow.markers(String.format("job.%04d", i))).hasSize(1);
        }
    }

    private static void job(SlurmFlow flow, String id) {
        try {
            flow.job(id, 1, false, "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Counts this batch's jobs that Slurm holds (pending or running), every few tens of milliseconds. */
    private void sample(String prefix, AtomicInteger max, AtomicBoolean on) {
        while (on.get()) {
            try {
                SlurmCluster.Result r = cluster.run("squeue", "--noheader", "--me", "--states=" + ACTIVE_STATES,
                        "-O", "JobID:|,Comment:");
                int n = (int) r.out().lines().filter(l -> l.contains("|" + prefix)).count();
                max.accumulateAndGet(n, Math::max);
            } catch (IOException e) {
                // a sample lost while the machine is busy: the next one counts
            }
        }
    }

    /** A second backend on the same environment: what an operator's tool would use to cancel. */
    private SlurmBackend backendLike(Map<String, String> settings) {
        String p = "caravan.env." + SlurmFlow.ENV + ".";
        Map<String, String> own = new java.util.HashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(p) && !k.equals(p + "backend") && !k.equals(p + "max-parallel-runs")
                    && !k.equals(p + "excessive-failure-threshold")) {
                own.put(k.substring(p.length()), v);
            }
        });
        Environment env = new Environment(SlurmFlow.ENV, "slurm", 8, 0, own);
        return (SlurmBackend) new SlurmBackendFactory().create(env,
                new BackendContext(dir.resolve("work").toAbsolutePath(), Clock.systemUTC()));
    }

    private static List<SlurmFlow.Run> runsQuietly(SlurmFlow flow) {
        try {
            return flow.runs();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The most runs whose [start, end] intervals overlap at one moment; a run without an end lasts to the end. */
    private static int maxOverlap(List<SlurmFlow.Run> runs) {
        List<long[]> events = new ArrayList<>();
        for (SlurmFlow.Run r : runs) {
            events.add(new long[]{r.start(), 1});
            events.add(new long[]{r.end() == null ? Long.MAX_VALUE : r.end(), -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int most = 0;
        for (long[] e : events) {
            now += (int) e[1];
            most = Math.max(most, now);
        }
        return most;
    }

    private static long start(List<SlurmFlow.Run> runs, String job) {
        return runs.stream().filter(r -> r.job().equals(job + "#1")).findFirst().orElseThrow().start();
    }

    private static long end(List<SlurmFlow.Run> runs, String job) {
        return runs.stream().filter(r -> r.job().equals(job + "#1")).findFirst().orElseThrow().end();
    }
}
