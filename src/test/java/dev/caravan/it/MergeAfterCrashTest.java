package dev.caravan.it;

import dev.caravan.testkit.DaemonFlowTest;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.FlowTest;
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
 * A crash that left a job's move unstaged, and an operator's import pushed to main before the restart (the fault
 * suite's kill rows met it: jobs in two state folders of HEAD). The restart stages what the crash left, and must not
 * merge main over that staged move: a merge writes the index from the commits it joins and dropped the move's
 * deletion, so HEAD kept the job in its old folder too (and a fresh clone would have it in two states).
 */
@FlowTest
class MergeAfterCrashTest extends DaemonFlowTest {

    @Test
    void aMoveACrashLeftUnstagedIsNotLostByTheRestartsMergeOfAnImport() throws Exception {
        fx = new FlowFixture(dir, 2);
        Map<String, String> s = fx.settings("local1", 1);
        daemon = DaemonHarness.start(dir, s);
        daemon.cycle(); // job.0001 released, committed and pushed
        Poll.until("job.0001's run ended", Duration.ofSeconds(30), () -> exitFiles() == 1);
        daemon.close();
        // a daemon whose later commits are not pushed yet (a push interval not passed): the merge is a true merge
        Map<String, String> later = new java.util.HashMap<>(s);
        later.put("caravan.tracking.push-interval", "1h");
        daemon = DaemonHarness.start(dir, later);
        daemon.cycle(); // job.0001 completed, job.0002 released: committed, not pushed
        Poll.until("job.0002's run ended", Duration.ofSeconds(30), () -> exitFiles() == 2);
        daemon.close();
        daemon = null;

        // what a crash between a cycle's moves and its commit leaves: the folder moved, nothing staged, the marker
        Path batch = fx.tracking().resolve("jobs").resolve(FlowFixture.GROUP).resolve(FlowFixture.BATCH);
        Files.move(batch.resolve("queued/job.0002"), batch.resolve("completed/job.0002"));
        Files.writeString(fx.tracking().resolve(".git/caravan/dirty"), "");

        // meanwhile an operator imports a job on main, on top of what the scheduler pushed (ICGC's way)
        try (Git op = GitFixtures.operatorClone(fx.remote, dir.resolve("operator"))) {
            GitFixtures.mergeScheduler(op);
            Path job = Files.createDirectories(dir.resolve("operator/jobs").resolve(FlowFixture.GROUP)
                    .resolve(FlowFixture.BATCH).resolve("backlog/job.0100"));
            Files.writeString(job.resolve("params.json"), "{\"n\": 100, \"fail\": false}\n");
            GitFixtures.commitAllAndPush(op, "add job.0100");
        }

        daemon = DaemonHarness.start(dir, s);
        daemon.cycle(); // stages what the crash left and commits it
        daemon.cycle(); // merges main
        String head = FlowFixture.git(fx.tracking(), "ls-tree", "-r", "--name-only", "HEAD", "jobs/");
        assertThat(head).as("the import merged").contains("/job.0100/params.json");
        assertThat(FaultTable.placements(head)).as("every job in one state folder of HEAD")
                .allSatisfy((job, n) -> assertThat(n).as(job).isEqualTo(1));
        assertThat(head).doesNotContain("queued/job.0002/");
    }

    private long exitFiles() {
        try (var s = Files.walk(dir.resolve("work"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".exit")).count();
        } catch (Exception e) {
            return 0;
        }
    }
}
