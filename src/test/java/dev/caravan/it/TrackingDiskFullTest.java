package dev.caravan.it;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.FlowTest;
import dev.caravan.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16.5, the tracking clone's side: its disk full (a real 1 MiB tmpfs, filled up; needs root to mount, else
 * skipped) is a CRITICAL, said once; nothing is committed meanwhile, and the moves made are committed and pushed once
 * there is room (before, the paths a failed staging had taken were dropped and never committed).
 */
@FlowTest
class TrackingDiskFullTest {

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness daemon;
    private Path mount;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.slack.close();
        }
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
        }
    }

    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left on device");
        }
    }

    @Test
    void aFullTrackingDiskIsOneCriticalAndTheMovesAreCommittedOnceThereIsRoom() throws Exception {
        fx = new FlowFixture(dir, 1);
        Path tracking = Files.createDirectories(fx.tracking());
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", tracking.toString())
                .redirectErrorStream(true).start();
        assumeTrue(m.waitFor() == 0, "needs root to mount a tmpfs");
        mount = tracking;
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        daemon.cycle();
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001");
        Poll.until("the job ran", Duration.ofSeconds(20), () -> fx.runs().contains("job.0001"));

        Path filler = tracking.resolve("filler");
        fill(filler);
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
