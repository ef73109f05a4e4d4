package dev.caravan.it;

import dev.caravan.emulators.slack.SlackEmulator;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import dev.caravan.model.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An environment with a batch barrier releases the next batch only after every job of the current one ended. */
@FlowTest
class BatchBarrierFlowTest {

    @TempDir
    Path dir;

    @Test
    void batchesRunOneAfterTheOther() throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        GitFixtures.jobsTree(seed, "center-a", "gear-2026-11-21.b01", 2, "{\"n\": #}");
        GitFixtures.jobsTree(seed, "center-b", "gear-2026-11-21.b01", 1, "{\"n\": #}");
        GitFixtures.jobsTree(seed, "center-c", "gear-2026-11-21.b02", 2, "{\"n\": #}");
        Path remote = GitFixtures.bareRemote(dir.resolve("remote.git"), seed);
        Path gate = dir.resolve("gate");
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.tracking.remote", remote.toString());
        s.put("caravan.env.fw.backend", "local");
        s.put("caravan.env.fw.max-parallel-runs", "10");
        s.put("caravan.env.fw.batch-barrier", "true");
        // jobs of batch b01 wait for the gate file, so the test sees the barrier hold
        s.put("caravan.env.fw.command", "echo {group}/{batch} >> " + dir.resolve("runs.log") + " && while [ ! -e " + gate + " ]; do sleep 0.05; done");
        try (DaemonHarness daemon = DaemonHarness.start(dir, s)) {
            daemon.cycle();
            assertThat(daemon.engine().inspect(t -> t.index()).inFlight("fw")).extracting(j -> j.ref().batch())
                    .containsOnly("gear-2026-11-21.b01").hasSize(3);
            daemon.cycle();
            assertThat(daemon.engine().inspect(t -> t.index()).inState(State.BACKLOG)).hasSize(2); // b02 held back
            Files.writeString(gate, "go");
            Poll.until("b02 released after b01 ended", Duration.ofSeconds(30), () -> {
                daemon.cycle();
                return daemon.engine().inspect(t -> t.index()).inState(State.BACKLOG).isEmpty();
            });
            assertThat(daemon.engine().inspect(t -> t.index()).inState(State.COMPLETED)).extracting(j -> j.ref().batch())
                    .containsOnly("gear-2026-11-21.b01").hasSize(3);
        }
    }

    @Test
    void aLowerBatchThisEnvironmentMayNotReleaseDoesNotHoldItBackAndTheBarrierSaysWhatItHolds() throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        GitFixtures.jobsTree(seed, "center-x", "gear-2026-11-21.b00", 2, "{\"n\": #}"); // an excluded group
        GitFixtures.jobsTree(seed, "center-o", "gear-2026-11-21.b00", 1, "{\"n\": #}"); // another environment's job
        Files.writeString(seed.resolve("jobs/center-o/gear-2026-11-21.b00/backlog/job.0001/run.1700000000.other.r-1"), "");
        GitFixtures.jobsTree(seed, "center-a", "gear-2026-11-21.b01", 1, "{\"n\": #}");
        GitFixtures.jobsTree(seed, "center-c", "gear-2026-11-21.b02", 2, "{\"n\": #}");
        Path remote = GitFixtures.bareRemote(dir.resolve("remote.git"), seed);
        Path gate = dir.resolve("gate");
        SlackEmulator slack = new SlackEmulator();
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.tracking.remote", remote.toString());
        s.put("caravan.slack.webhook-url", slack.url());
        s.put("caravan.groups.exclude", "center-x");
        s.put("caravan.env.fw.backend", "local");
        s.put("caravan.env.fw.max-parallel-runs", "10");
        s.put("caravan.env.fw.batch-barrier", "true");
        s.put("caravan.env.fw.command", "while [ ! -e " + gate + " ]; do sleep 0.05; done");
        try (slack; DaemonHarness daemon = DaemonHarness.start(dir, s)) {
            daemon.cycle();
            assertThat(daemon.engine().inspect(t -> t.index()).inFlight("fw")).extracting(j -> j.ref().path())
                    .containsExactly("center-a/gear-2026-11-21.b01/job.0001");
            daemon.cycle();
            daemon.cycle();
            SlackEmulator.drain(daemon.context(), slack);
            assertThat(slack.texts().stream().filter(t -> t.contains("batch barrier"))).singleElement().asString()
                    .contains("INFO").contains("batch barrier on fw: batch gear-2026-11-21.b01 first")
                    .contains("2 backlog jobs held back").contains("center-c/gear-2026-11-21.b02/job.0002")
                    .doesNotContain("center-x").doesNotContain("center-o");

            Files.writeString(gate, "go");
            Poll.until("b02 released after b01 ended", Duration.ofSeconds(30), () -> {
                daemon.cycle();
                return daemon.engine().inspect(t -> t.index()).inFlight("fw").stream()
                        .anyMatch(j -> j.ref().batch().equals("gear-2026-11-21.b02"));
            });
            assertThat(daemon.engine().inspect(t -> t.index()).inState(State.BACKLOG)).extracting(j -> j.ref().group())
                    .containsOnly("center-x", "center-o");
        }
    }
}
