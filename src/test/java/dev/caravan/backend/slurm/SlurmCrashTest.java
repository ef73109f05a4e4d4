package dev.caravan.backend.slurm;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.DaemonProcesses;
import dev.caravan.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lost sbatch answer: a real daemon process SIGKILLed right after sbatch accepted a job and before the job was
 * moved (engine FaultPoints). The restarted daemon finds the Slurm job by its tag and submits nothing twice.
 */
@FlowTest
class SlurmCrashTest {

    @TempDir
    Path dir;

    private SlurmCluster cluster;

    private final DaemonProcesses daemons = new DaemonProcesses();

    @BeforeEach
    void cluster() {
        cluster = SlurmCluster.require();
    }

    @AfterEach
    void killAll() {
        daemons.close();
    }

    @Test
    void aDaemonKilledRightAfterSbatchFindsItsJobAgainAndSubmitsItOnce() throws Exception {
        SlurmFlow flow = new SlurmFlow(dir);
        for (String id : List.of("job.0001", "job.0002", "job.0003")) {
            flow.job(id, 0.2, false, "");
        }
        Path calls = dir.resolve("calls.log");
        Map<String, String> s = flow.settings(cluster, 1);
        s.put("caravan.env." + SlurmFlow.ENV + ".slurm-bin", SlurmCluster.countingBin(dir, calls).toString());
        DaemonProcesses.Crash crash = daemons.killRightAfterSubmit(dir, s);
        Path config = crash.config();
        assertThat(crash.job()).isEqualTo(SlurmFlow.GROUP + "/" + flow.batch + "/job.0001");
        assertThat(flow.jobsIn("backlog")).contains("job.0001");
        assertThat(flow.markers("job.0001")).isEmpty();

        Process second = daemons.start(config, dir.resolve("second.log"), Map.of());
        Poll.until("all three jobs completed", Duration.ofSeconds(120),
                () -> flow.jobsIn("completed").size() == 3 || !second.isAlive());
        assertThat(second.isAlive()).as("second daemon alive; log: " + dir.resolve("second.log")).isTrue();

        assertThat(flow.startsPerJob()).containsOnlyKeys("job.0001", "job.0002", "job.0003")
                .allSatisfy((job, n) -> assertThat(n).isOne());
        assertThat(flow.markers("job.0001")).hasSize(1);
        List<String> sbatches = Files.readAllLines(calls).stream().filter(l -> l.startsWith("sbatch ")).toList();
        assertThat(sbatches.stream().filter(l -> l.contains(flow.commentPrefix() + "job.0001#"))).hasSize(1);
        assertThat(sbatches).hasSize(3);
        assertThat(Files.readString(dir.resolve("second.log")))
                .contains("Recovered the submission of " + SlurmFlow.GROUP + "/" + flow.batch + "/job.0001");
        File[] intents = flow.tracking().resolve(".git/caravan/intents").toFile().listFiles();
        assertThat(intents).isEmpty();
    }
}
