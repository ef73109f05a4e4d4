package dev.caravan.it;

import dev.caravan.emulators.slack.SlackEmulator;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole cycles through the YAML routes, a real bare remote, real processes and a real webhook endpoint. */
@FlowTest
class CoreFlowTest {

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

    private void cycleUntil(String what, java.util.function.BooleanSupplier done) {
        Poll.until(what, Duration.ofSeconds(40), () -> {
            daemon.cycle();
            return done.getAsBoolean();
        });
    }

    @Test
    void jobsMoveThroughEveryStateAndEachRunsOnce() throws Exception {
        fx = new FlowFixture(dir, 6, 2, 5);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 3));

        daemon.cycle();
        assertThat(fx.jobsIn("queued")).hasSize(3);
        assertThat(fx.jobsIn("backlog")).containsExactly("job.0004", "job.0005", "job.0006");

        cycleUntil("every job finished", () -> daemon.engine().inspect(t -> t.index()).inState(dev.caravan.model.State.BACKLOG).isEmpty()
                && daemon.engine().inspect(t -> t.index()).inFlight("local1").isEmpty());

        assertThat(fx.jobsIn("completed")).containsExactly("job.0001", "job.0003", "job.0004", "job.0006");
        assertThat(fx.jobsIn("failed")).containsExactly("job.0002", "job.0005");
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003", "job.0004", "job.0005", "job.0006");
        assertThat(daemon.engine().report()).isEqualTo("""
                PACA-CA backlog 0
                PACA-CA queued 0
                PACA-CA failed 2
                PACA-CA completed 4
                """);

        // every job has exactly one run marker on this environment
        try (var s = Files.walk(fx.tracking().resolve("jobs"))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("run.")).map(p -> p.getFileName().toString()))
                    .hasSize(6).allMatch(n -> n.matches("run\\.\\d+\\.local1\\.local-[0-9a-f]+"));
        }
        // the remote's scheduler branch has it all, committed by the scheduler, and the clone is clean
        String tree = FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler");
        assertThat(tree).contains("jobs/PACA-CA/2021-06-20/failed/job.0002/params.json")
                .contains("jobs/PACA-CA/2021-06-20/completed/job.0006/params.json")
                .doesNotContain("backlog/job.0001");
        assertThat(FlowFixture.git(fx.remote, "log", "--format=%s", "scheduler")).contains("[scheduler] update job status");
        assertThat(FlowFixture.git(fx.tracking(), "status", "--porcelain")).isEmpty();
        // a commit holds exactly the moves of its cycle
        String first = FlowFixture.git(fx.tracking(), "log", "--reverse", "--format=%H", "--grep=update job status").lines().findFirst().orElseThrow();
        assertThat(FlowFixture.git(fx.tracking(), "show", "--name-status", "--format=", first).lines())
                .allMatch(l -> l.contains("jobs/PACA-CA/2021-06-20/")).hasSize(6); // 3 x (params renamed, marker added)

        // notifications are handed over without waiting: wait for the last summary to arrive
        Poll.until("Slack got the failure and the final summary", Duration.ofSeconds(10), () ->
                fx.slack.anyContains("jobs failed on local1") && fx.slack.anyContains("backlog→queued")
                        && fx.slack.anyContains("PACA-CA: backlog 0, queued 0, failed 2, completed 4"));
        assertThat(String.join("\n", fx.slack.texts()))
                .contains(":warning: WARNING")
                .contains("job.0002 (run local-").contains("exit 4: job job.0002 said no")
                .contains("PACA-CA: backlog 0, queued 0, failed 2, completed 4");
    }

    @Test
    void operatorEditsOnTheAdminBranchAreMergedIn() throws Exception {
        fx = new FlowFixture(dir, 2);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        cycleUntil("both jobs done", () -> fx.runs().size() == 2 && daemon.engine().inspect(t -> t.index()).inFlight("local1").isEmpty());

        // the operator follows the ICGC procedure: merge scheduler into main, then edit main
        try (Git op = GitFixtures.operatorClone(fx.remote, dir.resolve("op"))) {
            GitFixtures.mergeScheduler(op);
            Path opTree = dir.resolve("op");
            Files.writeString(opTree.resolve("jobs/pause.local1"), "maintenance\n");
            GitFixtures.jobsTree(opTree, "BOCA-UK", "2021-07-12", 2, "{\"n\": #, \"fail\": false}");
            GitFixtures.commitAllAndPush(op, "operator: new batch, pause");
        }
        daemon.cycle();
        assertThat(daemon.engine().report()).contains("BOCA-UK backlog 2");
        assertThat(fx.runs()).hasSize(2); // paused: nothing released
        Poll.until("pause reported", Duration.ofSeconds(10), () -> fx.slack.anyContains("local1 is paused"));
        // which jobs it holds back, and once per change, not every cycle
        daemon.cycle();
        daemon.cycle();
        SlackEmulator.drain(daemon.context(), fx.slack);
        assertThat(fx.slack.texts().stream().filter(t -> t.contains("local1 is paused"))).singleElement().asString()
                .contains("2 backlog jobs held back").contains("BOCA-UK/2021-07-12/job.0001");

        try (Git op = Git.open(dir.resolve("op").toFile())) {
            GitFixtures.mergeScheduler(op);
            Files.delete(dir.resolve("op/jobs/pause.local1"));
            GitFixtures.commitAllAndPush(op, "operator: resume");
        }
        cycleUntil("new batch done", () -> fx.runs().size() == 4 && daemon.engine().inspect(t -> t.index()).inFlight("local1").isEmpty());
        assertThat(daemon.engine().report()).contains("BOCA-UK completed 2");
    }

    @Test
    void aMergeConflictChangesNothingOfTheOperatorsAndSaysSo() throws Exception {
        fx = new FlowFixture(dir, 1);
        Map<String, String> s = fx.settings("local1", 1);
        s.put("caravan.tracking.push-interval", "1h");
        daemon = DaemonHarness.start(dir, s);
        daemon.cycle(); // released and pushed (never pushed before)
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001");

        cycleUntil("job completed locally (committed, not pushed: 1h interval)", () -> fx.jobsIn("completed").contains("job.0001"));
        // the operator merged what was pushed (job.0001 queued) and edits that job, against the rules
        try (Git op = GitFixtures.operatorClone(fx.remote, dir.resolve("op"))) {
            GitFixtures.mergeScheduler(op);
            Files.writeString(dir.resolve("op/jobs/PACA-CA/2021-06-20/queued/job.0001/params.json"), "{\"edited\": true}\n");
            GitFixtures.commitAllAndPush(op, "operator edits a queued job");
        }
        String head = FlowFixture.git(fx.tracking(), "rev-parse", "HEAD");

        daemon.cycle();
        assertThat(FlowFixture.git(fx.tracking(), "rev-parse", "HEAD")).isEqualTo(head);
        assertThat(FlowFixture.git(fx.tracking(), "status", "--porcelain")).isEmpty();
        assertThat(fx.jobsIn("completed")).containsExactly("job.0001");
        Poll.until("CRITICAL conflict", Duration.ofSeconds(10), () -> fx.slack.anyContains(":fire: CRITICAL: merging main into scheduler would conflict"));
        assertThat(String.join("\n", fx.slack.texts())).contains("jobs/PACA-CA/2021-06-20/queued/job.0001/params.json");
    }

    @Test
    void aRejectedPushFetchesMergesAndRetries() throws Exception {
        fx = new FlowFixture(dir, 2);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        daemon.cycle(); // pushes the scheduler branch
        // someone else pushes to the scheduler branch
        try (Git other = Git.cloneRepository().setURI(fx.remote.toUri().toString()).setBranch("scheduler")
                .setDirectory(dir.resolve("other").toFile()).call()) {
            Files.writeString(dir.resolve("other/NOTES.md"), "hand-written note\n");
            other.add().addFilepattern("NOTES.md").call();
            other.commit().setMessage("note").setSign(false).setAuthor("Other", "o@x").setCommitter("Other", "o@x").call();
            other.push().call();
        }
        cycleUntil("second job queued", () -> fx.runs().size() == 2);
        Poll.until("push landed", Duration.ofSeconds(20), () -> {
            try {
                daemon.cycle();
                String log = FlowFixture.git(fx.remote, "log", "--format=%s", "scheduler");
                return log.contains("note") && log.contains("[scheduler] merge origin/scheduler");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")).contains("NOTES.md");
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("CRITICAL"));
    }

    @Test
    void excessiveFailuresStopReleasesUntilAnOperatorRemovesTheFlagEvenAcrossRestarts() throws Exception {
        fx = new FlowFixture(dir, 6, 1, 2, 3, 4, 5, 6);
        Map<String, String> s = fx.settings("local1", 2);
        s.put("caravan.env.local1.excessive-failure-threshold", "2");
        s.put("caravan.tracking.push-interval", "1h");
        daemon = DaemonHarness.start(dir, s);
        cycleUntil("flag written", () -> Files.exists(fx.tracking().resolve("jobs/excessive_failure.local1.txt")));
        int ran = fx.runs().size();
        assertThat(ran).isEqualTo(2);
        assertThat(Files.readString(fx.tracking().resolve("jobs/excessive_failure.local1.txt")))
                .contains("PACA-CA/2021-06-20/job.0001").contains("PACA-CA/2021-06-20/job.0002");
        // pushed at once despite the 1h interval
        assertThat(FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")).contains("jobs/excessive_failure.local1.txt");
        Poll.until("CRITICAL sent", Duration.ofSeconds(10), () -> fx.slack.anyContains(":fire: CRITICAL: 2 jobs failed on local1"));

        daemon.cycle();
        daemon.close();
        daemon = DaemonHarness.start(dir, s);
        daemon.cycle();
        daemon.cycle();
        assertThat(fx.runs()).hasSize(ran);
        assertThat(fx.jobsIn("backlog")).hasSize(4);

        try (Git op = GitFixtures.operatorClone(fx.remote, dir.resolve("op"))) {
            GitFixtures.mergeScheduler(op);
            Files.delete(dir.resolve("op/jobs/excessive_failure.local1.txt"));
            GitFixtures.commitAllAndPush(op, "operator: resume local1");
        }
        daemon.cycle();
        // the very next cycle releases; the released runs write their line as they start, a moment later
        assertThat(fx.jobsIn("backlog")).hasSizeLessThan(4);
        Poll.until("released jobs started", Duration.ofSeconds(10), () -> fx.runs().size() > ran);
    }

    @Test
    void aJobAnOperatorMovesOutOfQueuedWhileItRunsIsFollowedNotRunTwice() throws Exception {
        fx = new FlowFixture(dir, 1);
        Path gate = dir.resolve("gate");
        Map<String, String> s = fx.settings("local1", 1);
        s.put("caravan.env.local1.command", "echo {job_id} >> " + fx.runsLog + " && while [ ! -e " + gate + " ]; do sleep 0.05; done");
        daemon = DaemonHarness.start(dir, s);
        daemon.cycle();
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001");

        try (Git op = GitFixtures.operatorClone(fx.remote, dir.resolve("op"))) {
            GitFixtures.mergeScheduler(op);
            Files.move(dir.resolve("op/jobs/PACA-CA/2021-06-20/queued/job.0001"),
                    Files.createDirectories(dir.resolve("op/jobs/PACA-CA/2021-06-20/backlog")).resolve("job.0001"));
            GitFixtures.commitAllAndPush(op, "operator: rerun job.0001");
        }
        daemon.cycle();
        daemon.cycle();
        assertThat(fx.jobsIn("backlog")).containsExactly("job.0001");
        assertThat(fx.runs()).containsExactly("job.0001"); // not submitted again while the first run goes on
        Poll.until("operator move reported", Duration.ofSeconds(10), () -> fx.slack.anyContains("moved out of queued by an operator"));

        Files.writeString(gate, "go");
        cycleUntil("the followed run ended and the job ran again as the operator asked",
                () -> fx.runs().size() == 2 && fx.jobsIn("completed").contains("job.0001"));
        Poll.until("end of the followed run reported", Duration.ofSeconds(10),
                () -> fx.slack.anyContains("runs of jobs moved by an operator ended on local1"));
        assertThat(String.join("\n", fx.slack.texts())).contains("job.0001 (run local-").contains("completed");
    }
}
