package dev.caravan.backend.slurm;

import dev.caravan.it.DaemonHarness;
import dev.caravan.it.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lost sbatch answer: a real daemon process SIGKILLed right after sbatch accepted a job and before the job was
 * moved (engine FaultPoints). The restarted daemon finds the Slurm job by its tag and submits nothing twice.
 */
class SlurmCrashTest {

    @TempDir
    Path dir;

    private SlurmCluster cluster;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void cluster() {
        cluster = SlurmCluster.require();
    }

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process daemon(Path config, Path log, Map<String, String> env) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.caravan.cli.Caravan", "run", "--config", config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
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
        s.put("caravan.triggers.enabled", "true");
        s.put("caravan.cycle.cron", "0/1 * * * * ?");
        s.put("camel.main.routes-reload-enabled", "false");
        Path config = DaemonHarness.writeConfig(dir.resolve("daemon.properties"), s);
        Path signal = dir.resolve("submitted");

        Process first = daemon(config, dir.resolve("first.log"), Map.of("CARAVAN_FAULT_PAUSE_AFTER_SUBMIT", signal.toString()));
        Poll.until("a submission accepted by sbatch", Duration.ofSeconds(90), () -> Files.exists(signal) || !first.isAlive());
        assertThat(first.isAlive()).as("daemon alive at the fault point; log: " + dir.resolve("first.log")).isTrue();
        first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no cleanup
        assertThat(Files.readString(signal)).isEqualTo(SlurmFlow.GROUP + "/" + flow.batch + "/job.0001");
        assertThat(flow.jobsIn("backlog")).contains("job.0001");
        assertThat(flow.markers("job.0001")).isEmpty();

        Process second = daemon(config, dir.resolve("second.log"), Map.of());
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
