package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonFlowTest;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;
import dev.caravan.testkit.Tmpfs;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16.5: the local backend's work disk full (a real 256 KiB tmpfs, filled up; needs root to mount, else
 * skipped). A launch that cannot write its run folder leaves the job in the backlog, names ENOSPC and the path in
 * one WARNING, and fails no job; once there is room the jobs run.
 */
@FlowTest
class FullDiskTest extends DaemonFlowTest {

    @Test
    void aFullWorkDiskLeavesJobsInTheBacklogWithOneWarning() throws Exception {
        Path work = closeLast(Tmpfs.mount(dir.resolve("work"), "256k")).path();
        Path filler = work.resolve("filler");
        Tmpfs.fill(filler);

        fx = new FlowFixture(dir, 2);
        Map<String, String> s = fx.settings("local1", 2);
        daemon = DaemonHarness.start(dir, s);
        for (int i = 0; i < 5; i++) {
            daemon.cycle();
        }
        assertThat(fx.jobsIn("backlog")).containsExactly("job.0001", "job.0002");
        assertThat(fx.jobsIn("failed")).isEmpty();
        assertThat(fx.runs()).isEmpty();
        Poll.until("the WARNING", Duration.ofSeconds(10), () -> fx.slack.anyContains("ENOSPC"));
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("ENOSPC")).singleElement()
                .satisfies(t -> assertThat(t).contains("WARNING").contains("No space left on device".toLowerCase())
                        .contains(work.toString()));
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("CRITICAL"));

        Files.delete(filler);
        Poll.until("both jobs run once there is room", Duration.ofSeconds(30), () -> {
            daemon.cycle();
            return fx.jobsIn("completed").size() == 2;
        });
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002");
        Poll.until("the clear", Duration.ofSeconds(10), () -> fx.slack.anyContains("local1 releases again"));
    }
}
