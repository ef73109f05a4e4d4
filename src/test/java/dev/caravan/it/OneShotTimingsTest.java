package dev.caravan.it;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.OneShotProcess;
import dev.caravan.testkit.FlowTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cycle --once -Ddev.caravan.timings=true} in a JVM of its own: before it exits it writes where its time went to
 * stderr, one {@code caravan-timing PHASE START_MS END_MS} line per phase, which bench/icgc sets beside the process's
 * wall time (issue 10 point 13: the breakdown in bench/). Without the property it writes none.
 */
@FlowTest
class OneShotTimingsTest {

    @TempDir
    Path dir;

    @Test
    void cycleOnceWritesItsPhaseTimesWhenAsked() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 3);
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), fx.settings("local1", 2));
        // the push is due (no earlier push), so every phase of a cron pass happens
        long before = System.currentTimeMillis();
        String out = cycleOnce(config, "-Ddev.caravan.timings=true");
        long after = System.currentTimeMillis();

        Map<String, long[]> phases = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split(" ");
            if (f.length == 4 && f[0].equals("caravan-timing")) {
                phases.put(f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
            }
        }
        assertThat(phases.keySet()).as(out).containsExactlyInAnyOrder("jvm", "camel-start", "clone-check", "index",
                "cycle", "index-wait", "commit", "stage", "git-commit", "push", "notify-drain", "camel-stop", "exit");
        for (Map.Entry<String, long[]> e : phases.entrySet()) {
            long[] t = e.getValue();
            assertThat(t[1]).as("%s ends after it begins", e.getKey()).isGreaterThanOrEqualTo(t[0]);
            assertThat(t[1]).as("%s ends before the process did", e.getKey()).isLessThanOrEqualTo(after);
        }
        // main began after this test started the process (the phase's start is the OS's process start, whose boot-time
        // base is whole seconds: the bench takes its own start instead)
        assertThat(phases.get("jvm")[1]).isGreaterThanOrEqualTo(before);
        assertThat(phases.get("jvm")[0]).isGreaterThan(before - 2_000);
        // the serial phases follow each other: main, Camel start (with the clone check in it), cycle, commit, push, stop
        List<String> serial = List.of("jvm", "camel-start", "cycle", "commit", "push", "notify-drain", "camel-stop", "exit");
        List<Long> bounds = new ArrayList<>();
        for (String p : serial) {
            bounds.add(phases.get(p)[0]);
            bounds.add(phases.get(p)[1]);
        }
        assertThat(bounds).as("phases in order: %s", out).isSorted();
        assertThat(phases.get("clone-check")[0]).isBetween(phases.get("camel-start")[0], phases.get("camel-start")[1]);
        assertThat(phases.get("stage")[0]).isBetween(phases.get("commit")[0], phases.get("commit")[1]);
        assertThat(phases.get("git-commit")[1]).isBetween(phases.get("commit")[0], phases.get("commit")[1]);
        // the pass did its work: released, committed and pushed
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001", "job.0002");
        assertThat(FlowFixture.git(fx.remote, "log", "--format=%s", "scheduler")).contains("[scheduler] update job status");

        // without the property, nothing of the kind (a cron pass's stderr stays its warnings)
        assertThat(cycleOnce(config)).doesNotContain("caravan-timing");
        fx.slack.close();
    }

    private String cycleOnce(Path config, String... extra) throws Exception {
        return OneShotProcess.cycleOnce(config, Files.createTempFile(dir, "cycle", ".log"), Map.of(), extra);
    }
}
