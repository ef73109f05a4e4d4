package dev.caravan.it;

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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs that run after others of their batch ({@code after.<job_id>} files): released together, in order,
 * never ahead of a step that failed, and paced per submission by the environment's throttle.
 */
@FlowTest
class ChainFlowTest {

    @TempDir
    Path dir;

    private static void job(Path seed, String id, boolean fail, String... after) throws Exception {
        Path d = Files.createDirectories(seed.resolve("jobs/proj/wf/backlog").resolve(id));
        Files.writeString(d.resolve("params.json"), "{\"fail\": " + fail + "}\n");
        for (String a : after) {
            Files.writeString(d.resolve("after." + a), "");
        }
    }

    @Test
    void stepsOfASampleRunInOrderAndStopAtAFailure() throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed"));
        job(seed, "s1.1-align", false);
        job(seed, "s1.2-call", false, "s1.1-align");
        job(seed, "s1.3-report", false, "s1.2-call");
        job(seed, "s2.1-align", true);
        job(seed, "s2.2-call", false, "s2.1-align");
        Path remote = GitFixtures.bareRemote(dir.resolve("remote.git"), seed);
        Path log = dir.resolve("runs.log");
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.tracking.remote", remote.toString());
        s.put("caravan.env.b.backend", "local");
        s.put("caravan.env.b.max-parallel-runs", "10");
        s.put("caravan.env.b.submit-rate", "50");
        // the local backend cannot chain: a step waits until its predecessor's run finished before release
        s.put("caravan.env.b.command", "echo {job_id} >> " + log + " && [ {params.fail} = false ]");
        try (DaemonHarness daemon = DaemonHarness.start(dir, s)) {
            Poll.until("everything that can run has run", Duration.ofSeconds(40), () -> {
                daemon.cycle();
                var idx = daemon.engine().inspect(t -> t.index());
                return idx.inFlight("b").isEmpty() && idx.inState(State.COMPLETED).size() == 3
                        && idx.inState(State.FAILED).size() == 1;
            });
            List<String> runs = Files.readAllLines(log);
            assertThat(runs).containsSubsequence("s1.1-align", "s1.2-call", "s1.3-report");
            assertThat(runs).doesNotContain("s2.2-call");
            assertThat(daemon.engine().inspect(t -> t.index()).inState(State.BACKLOG)).extracting(j -> j.ref().jobId())
                    .containsExactly("s2.2-call");
        }
    }
}
