package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.OneShotProcess;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cycle --once} in a JVM of its own with a logging {@code git} first on its PATH: the clone, the cycle's
 * commit and its push all go through JGit in process, and JGit must not start git to find the system-wide
 * configuration either (issue 15: 0 git subprocesses in a one-shot pass).
 */
@FlowTest
class OneShotGitProcessTest {

    @TempDir
    Path dir;

    @Test
    void cycleOnceStartsNoGitProcess() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 3);
        Map<String, String> s = fx.settings("local1", 2);
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
        Path shimDir = Files.createDirectories(dir.resolve("shim"));
        Path calls = dir.resolve("git-calls.log");
        Path shim = shimDir.resolve("git");
        Files.writeString(shim, "#!/bin/sh\necho \"git $*\" >> '" + calls + "'\nexit 1\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));

        OneShotProcess.cycleOnce(config, dir.resolve("cycle.log"), Map.of("PATH", shimDir + ":" + System.getenv("PATH")));
        // the pass did its work: two jobs released, committed and pushed to the remote
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001", "job.0002");
        assertThat(FlowFixture.git(fx.remote, "log", "--format=%s", "scheduler")).contains("[scheduler] update job status");
        assertThat(Files.exists(calls) ? Files.readString(calls) : "").as("git processes started").isEmpty();
        fx.slack.close();
    }
}
