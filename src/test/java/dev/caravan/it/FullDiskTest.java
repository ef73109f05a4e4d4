package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 16.5: the local backend's work disk full (a real 256 KiB tmpfs, filled up; needs root to mount, else
 * skipped). A launch that cannot write its run folder leaves the job in the backlog, names ENOSPC and the path in
 * one WARNING, and fails no job; once there is room the jobs run.
 */
@FlowTest
class FullDiskTest {

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
            run("umount", "-l", mount.toString());
        }
    }

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
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
    void aFullWorkDiskLeavesJobsInTheBacklogWithOneWarning() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", work.toString()), "needs root to mount a tmpfs");
        mount = work;
        Path filler = work.resolve("filler");
        fill(filler);

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
