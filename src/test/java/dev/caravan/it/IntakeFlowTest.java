package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import dev.caravan.camel.OneShot;
import dev.caravan.engine.Addition;
import dev.caravan.engine.Intake;
import dev.caravan.engine.IntakeOutcome;
import dev.caravan.engine.NewJob;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.model.TreeFile;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's intake API on a real daemon: additions committed by the commit route with their own message, abort
 * of a running job (its process killed, the job parked in {@code aborted}), back to the backlog, delete, and a cycle
 * limited to one environment.
 */
@FlowTest
class IntakeFlowTest {

    private static final String G = FlowFixture.GROUP;
    private static final String B = FlowFixture.BATCH;

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.slack.close();
        }
    }

    private Intake intake() {
        return daemon.engine().intake();
    }

    private void commit() throws Exception {
        try (ProducerTemplate pt = daemon.context().createProducerTemplate()) {
            pt.requestBody("direct:commit", (Object) null);
        }
    }

    private String lastCommit() throws Exception {
        return FlowFixture.git(fx.tracking(), "log", "-1", "--format=%s").strip();
    }

    private static NewJob job(String batch, String id) {
        return new NewJob(new JobRef(G, batch, id), ("{\"n\": \"" + id + "\", \"fail\": false}\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAdditionIsCommittedWithItsOwnMessageAndRefusedWholeWhenAJobIsThere() throws Exception {
        fx = new FlowFixture(dir, 1);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        String before = FlowFixture.git(fx.tracking(), "rev-parse", "HEAD").strip();

        IntakeOutcome o = intake().add(new Addition(List.of(job("b2", "x1"), job("b2", "x2")),
                Map.of(TreeFile.ofBatch(G, "b2", "batch-summary.tsv"), "x1\nx2\n"), Optional.of("[test] 2 jobs")));
        assertThat(o.refused()).isEmpty();
        assertThat(o.changed()).hasSize(2);
        assertThat(o.touched()).contains("jobs/" + G + "/b2/backlog/x1/params.json", "jobs/" + G + "/b2/batch-summary.tsv");
        commit();
        assertThat(lastCommit()).isEqualTo("[test] 2 jobs");
        assertThat(FlowFixture.git(fx.tracking(), "show", "--name-only", "--format=", "HEAD").lines().toList())
                .containsExactlyInAnyOrder("jobs/" + G + "/b2/backlog/x1/params.json",
                        "jobs/" + G + "/b2/backlog/x2/params.json", "jobs/" + G + "/b2/batch-summary.tsv");
        assertThat(FlowFixture.git(fx.tracking(), "rev-parse", "HEAD~1").strip()).isEqualTo(before);

        // the original backlog job, in any state, and a new one: refused whole, nothing written
        IntakeOutcome again = intake().add(new Addition(List.of(job("b3", "y1"), job(B, "job.0001")), Map.of(),
                Optional.of("[test] again")));
        assertThat(again.changed()).isEmpty();
        assertThat(again.refused()).extracting(IntakeOutcome.Refusal::what).containsExactly(G + "/" + B + "/job.0001");
        assertThat(again.refusals()).contains("is in the tracking tree already (backlog)");
        assertThat(fx.tracking().resolve("jobs/" + G + "/b3")).doesNotExist();

        daemon.cycle(); // releases and commits with the cycle's own message
        assertThat(lastCommit()).isEqualTo("[scheduler] update job status");
    }

    @Test
    void aCycleCommitThatTakesInSeveralIntakesListsTheirMessagesInItsBody() throws Exception {
        fx = new FlowFixture(dir, 1);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        intake().add(new Addition(List.of(job("b2", "x1")), Map.of(), Optional.of("[test] first intake\n\nby alice")));
        intake().add(new Addition(List.of(job("b3", "y1")), Map.of(), Optional.of("[test] second intake")));

        daemon.cycle(); // the cycle releases job.0001 too and commits everything staged at once

        assertThat(lastCommit()).isEqualTo("[scheduler] update job status");
        String body = FlowFixture.git(fx.tracking(), "log", "-1", "--format=%b");
        assertThat(body).contains("[test] first intake\n\nby alice").contains("[test] second intake");
        assertThat(FlowFixture.git(fx.tracking(), "show", "--name-only", "--format=", "HEAD"))
                .contains("jobs/" + G + "/b2/backlog/x1/params.json", "jobs/" + G + "/b3/backlog/y1/params.json");
    }

    @Test
    void intakesStagingWhileTheCommitRouteCommitsNeitherFailNorLoseAJob() throws Exception {
        fx = new FlowFixture(dir, 1);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        int n = 60;
        java.util.concurrent.atomic.AtomicBoolean adding = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.CompletableFuture<Integer> commits = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            int made = 0;
            try (ProducerTemplate pt = daemon.context().createProducerTemplate()) {
                while (adding.get()) {
                    pt.requestBody("direct:commit", (Object) null); // an API call's intake racing the cycle's commit
                    made++;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return made;
        });
        try {
            for (int i = 0; i < n; i++) {
                IntakeOutcome o = intake().add(new Addition(List.of(job("race", "r" + i)), Map.of(),
                        Optional.of("[test] r" + i)));
                assertThat(o.refused()).isEmpty();
            }
        } finally {
            adding.set(false);
        }
        assertThat(commits.get(60, java.util.concurrent.TimeUnit.SECONDS)).isPositive();
        commit();
        assertThat(FlowFixture.git(fx.tracking(), "status", "--porcelain")).isBlank();
        assertThat(FlowFixture.git(fx.tracking(), "ls-tree", "-r", "--name-only", "HEAD", "jobs/" + G + "/race").lines())
                .hasSize(n);
    }

    @Test
    void abortStopsARunningJobAndParksItWhereNothingSchedulesOrCountsIt() throws Exception {
        fx = new FlowFixture(dir, 2);
        Map<String, String> s = fx.settings("local1", 2);
        s.put("caravan.env.local1.command", "sleep 60");
        s.put("caravan.env.local1.excessive-failure-threshold", "1");
        daemon = DaemonHarness.start(dir, s);
        daemon.cycle();
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001", "job.0002");
        JobRef one = new JobRef(G, B, "job.0001");
        long pid = pid(one);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        IntakeOutcome deleteRunning = intake().delete(List.of(one), Optional.empty());
        assertThat(deleteRunning.changed()).isEmpty();
        assertThat(deleteRunning.refusals()).contains("is in flight; abort it first");

        IntakeOutcome aborted = intake().abort(List.of(one), "wrong input", Optional.of("[test] abort"));
        assertThat(aborted.changed()).containsExactly(one);
        Poll.until("the run's process group is gone", Duration.ofSeconds(10),
                () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        commit();
        assertThat(lastCommit()).isEqualTo("[test] abort");
        assertThat(fx.jobsIn("aborted")).containsExactly("job.0001");

        daemon.cycle();
        assertThat(fx.jobsIn("aborted")).containsExactly("job.0001");
        assertThat(fx.tracking().resolve("jobs/excessive_failure.local1.txt")).doesNotExist();
        assertThat(daemon.engine().report()).contains(G + " completed 0\n" + G + " aborted 1\n");

        IntakeOutcome back = intake().toBacklog(List.of(new Intake.Resubmission(one,
                Optional.of("{\"n\": 1, \"fail\": false, \"again\": true}\n".getBytes(StandardCharsets.UTF_8)))),
                "try again", Optional.empty());
        assertThat(back.changed()).containsExactly(one);
        assertThat(Files.readString(fx.tracking().resolve("jobs/" + G + "/" + B + "/backlog/job.0001/params.json")))
                .contains("\"again\": true");
        assertThat(daemon.engine().report()).doesNotContain("aborted");
        IntakeOutcome notFailed = intake().toBacklog(List.of(new Intake.Resubmission(new JobRef(G, B, "job.0002"))),
                "no", Optional.empty());
        assertThat(notFailed.refusals()).contains("is in queued, not failed or aborted");
        commit(); // no message of its own: the cycle's
        assertThat(lastCommit()).isEqualTo("[scheduler] update job status");

        IntakeOutcome deleted = intake().delete(List.of(one), Optional.of("[test] delete"));
        assertThat(deleted.changed()).containsExactly(one);
        commit();
        assertThat(lastCommit()).isEqualTo("[test] delete");
        assertThat(fx.tracking().resolve("jobs/" + G + "/" + B + "/backlog/job.0001")).doesNotExist();
        assertThat(dir.resolve("work/" + G + "/" + B + "/job.0001")).doesNotExist();
        Optional<dev.caravan.model.Job> gone = daemon.engine().inspect(t -> t.index().get(one));
        assertThat(gone).isEmpty();
        intake().abort(List.of(new JobRef(G, B, "job.0002")), "done", Optional.empty());
    }

    @Test
    void aCycleOfOneEnvironmentReleasesOnlyThere() throws Exception {
        fx = new FlowFixture(dir, 2);
        Map<String, String> s = fx.settings("local1", 1);
        fx.settings("local2", 1).forEach((k, v) -> {
            if (k.startsWith("caravan.env.local2.")) {
                s.put(k, v);
            }
        });
        daemon = DaemonHarness.start(dir, s);
        try (ProducerTemplate pt = daemon.context().createProducerTemplate()) {
            pt.requestBodyAndHeader("direct:cycle", null, OneShot.ONLY_ENV, "local2");
        }
        List<dev.caravan.model.Job> on2 = daemon.engine().inspect(t -> t.index().inFlight("local2"));
        List<dev.caravan.model.Job> on1 = daemon.engine().inspect(t -> t.index().inFlight("local1"));
        assertThat(on2).hasSize(1);
        assertThat(on1).isEmpty();
        assertThat(fx.jobsIn("backlog")).hasSize(1);
    }

    /** The pid the local backend recorded for the job's newest run. */
    private long pid(JobRef job) throws Exception {
        Path work = dir.resolve("work").resolve(job.group()).resolve(job.batch()).resolve(job.jobId());
        Poll.until("the run wrote its pid", Duration.ofSeconds(10), () -> pidFile(work).isPresent());
        String text = Files.readString(pidFile(work).orElseThrow());
        for (String word : text.trim().split("\\s+")) {
            if (word.startsWith("pid=")) {
                return Long.parseLong(word.substring(4));
            }
        }
        throw new AssertionError("no pid in " + text);
    }

    private static Optional<Path> pidFile(Path work) {
        try (Stream<Path> s = Files.list(work)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pid")).findFirst();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
