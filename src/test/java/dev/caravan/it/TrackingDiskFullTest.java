package dev.caravan.it;

import dev.caravan.testkit.DaemonFlowTest;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.FlowTest;
import dev.caravan.testkit.Poll;
import dev.caravan.testkit.Tmpfs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16.5, the tracking clone's side: its disk full (a real 1 MiB tmpfs, filled up; needs root to mount, else
 * skipped) is a CRITICAL, said once; nothing is committed meanwhile, and the moves made are committed and pushed once
 * there is room (before, the paths a failed staging had taken were dropped and never committed).
 */
@FlowTest
class TrackingDiskFullTest extends DaemonFlowTest {

    @Test
    void aFullTrackingDiskIsOneCriticalAndTheMovesAreCommittedOnceThereIsRoom() throws Exception {
        fx = new FlowFixture(dir, 1);
        Path tracking = closeLast(Tmpfs.mount(fx.tracking(), "1m")).path();
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        daemon.cycle();
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001");
        Poll.until("the job ran", Duration.ofSeconds(20), () -> fx.runs().contains("job.0001"));

        Path filler = tracking.resolve("filler");
        Tmpfs.fill(filler);
        for (int i = 0; i < 6; i++) {
            daemon.cycle();
        }
        Poll.until("the CRITICAL", Duration.ofSeconds(10), () -> fx.slack.anyContains("tracking clone's disk is full"));
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("tracking clone's disk is full")).singleElement()
                .satisfies(t -> assertThat(t).contains("CRITICAL").contains("ENOSPC"));
        assertThat(FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")).doesNotContain("completed/");

        Files.delete(filler);
        Poll.until("committed and pushed once there is room", Duration.ofSeconds(30), () -> {
            daemon.cycle();
            try {
                return FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")
                        .contains("completed/job.0001/params.json");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")).doesNotContain("queued/");
        assertThat(FlowFixture.git(fx.tracking(), "status", "--porcelain")).isEmpty();
        assertThat(fx.runs()).containsExactly("job.0001");
    }
}
