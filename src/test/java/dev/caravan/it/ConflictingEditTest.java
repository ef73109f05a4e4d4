package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonFlowTest;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16.4: an operator's edit on main that conflicts with scheduler commits not pushed yet. The scheduler pushes
 * its side at once, says exactly what to do (one CRITICAL), cycles go on without the merge, and once the operator
 * merged and resolved, the merge goes through and the CRITICAL clears.
 */
@FlowTest
class ConflictingEditTest extends DaemonFlowTest {

    private static final String BATCH = "jobs/PACA-CA/2021-06-20/";

    @Test
    void theSchedulerPushesItsSideSaysWhatToDoAndGoesOn() throws Exception {
        fx = new FlowFixture(dir, 3);
        Map<String, String> s = fx.settings("local1", 1);
        s.put("caravan.tracking.push-interval", "1h");
        daemon = DaemonHarness.start(dir, s);
        daemon.cycle(); // job.0001 released, committed, pushed (the first push is due at once)
        String firstPush = FlowFixture.git(fx.remote, "rev-parse", "scheduler").strip();
        Path opDir = dir.resolve("operator");
        try (Git op = GitFixtures.operatorClone(fx.remote, opDir)) {
            GitFixtures.mergeScheduler(op);
        }
        Poll.until("job.0001 done and committed, not pushed", Duration.ofSeconds(30), () -> {
            daemon.cycle();
            return fx.jobsIn("completed").contains("job.0001");
        });
        assertThat(FlowFixture.git(fx.remote, "rev-parse", "scheduler").strip()).isEqualTo(firstPush);

        // the operator, not knowing it finished, edits job.0001's params where it was: conflicts with queued→completed
        try (Git op = Git.open(opDir.toFile())) {
            Files.writeString(opDir.resolve(BATCH + "queued/job.0001/params.json"), "{\"n\": 1, \"fail\": false, \"x\": 2}\n");
            GitFixtures.commitAllAndPush(op, "fix job.0001 params");
        }
        String editCommit = FlowFixture.git(opDir, "rev-parse", "--short=8", "HEAD").strip();
        for (int i = 0; i < 5; i++) {
            daemon.cycle();
        }
        Poll.until("the CRITICAL", Duration.ofSeconds(10), () -> count("would conflict") == 1);
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("would conflict")).singleElement()
                .satisfies(t -> assertThat(t).contains("CRITICAL").contains("git merge origin/scheduler")
                        .contains("git revert " + editCommit).contains("fix job.0001 params")
                        .contains("queued/job.0001"));
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("cycle stopped"));
        // pushed at once although the push interval is an hour, and cycles went on: job.0002 was released
        String remoteTree = FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler");
        assertThat(remoteTree).contains(BATCH + "completed/job.0001/params.json");
        Poll.until("the next job runs on", Duration.ofSeconds(30), () -> {
            daemon.cycle();
            return fx.jobsIn("completed").contains("job.0002");
        });

        // the operator does what it said: merge, resolve (the job finished: the edit is moot), push
        try (Git op = Git.open(opDir.toFile())) {
            op.fetch().setRemote("origin").call();
            op.merge().include(op.getRepository().resolve("refs/remotes/origin/scheduler")).call();
            FlowFixture.git(opDir, "rm", "-q", BATCH + "queued/job.0001/params.json");
            FlowFixture.git(opDir, "commit", "-q", "-m", "merge scheduler: job.0001 finished, edit dropped");
            FlowFixture.git(opDir, "push", "-q", "origin", "main");
        }
        daemon.cycle();
        Poll.until("the clear", Duration.ofSeconds(10), () -> count("the conflict is resolved") == 1);
        assertThat(count("would conflict")).isEqualTo(1);
        assertThat(fx.runs()).doesNotHaveDuplicates();
        assertThat(fx.tracking().resolve(BATCH + "queued/job.0001")).doesNotExist();
    }
}
