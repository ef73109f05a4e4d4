package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonProcesses;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import org.junit.jupiter.api.AfterEach;
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
 * A real daemon process SIGKILLed right after a backend accepted a submission and before the job was
 * moved: after a restart no job has run twice and none is lost.
 */
@FlowTest
class CrashSafetyTest {

    @TempDir
    Path dir;

    private final DaemonProcesses daemons = new DaemonProcesses();

    @AfterEach
    void killAll() {
        daemons.close();
    }

    @Test
    void killBetweenSubmitAndMoveThenRestart() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 3);
        fx.slack.close();
        Map<String, String> s = fx.settings("local1", 1);
        s.remove("caravan.slack.webhook-url");
        DaemonProcesses.Crash crash = daemons.killRightAfterSubmit(dir, s);
        Path config = crash.config();
        String job = crash.job();
        assertThat(job).isEqualTo("PACA-CA/2021-06-20/job.0001");
        // the job ran (or runs) but the tree still has it in backlog, without a marker
        assertThat(fx.jobsIn("backlog")).contains("job.0001");

        Process second = daemons.start(config, dir.resolve("second.log"), Map.of());
        Poll.until("all three jobs completed", Duration.ofSeconds(90),
                () -> fx.jobsIn("completed").size() == 3 || !second.isAlive());
        assertThat(second.isAlive()).as("second daemon alive").isTrue();

        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003");
        assertThat(fx.jobsIn("backlog")).isEmpty();
        assertThat(fx.jobsIn("queued")).isEmpty();
        try (var files = Files.list(fx.tracking().resolve("jobs/PACA-CA/2021-06-20/completed/job.0001"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run."))).hasSize(1);
        }
        assertThat(Files.readString(dir.resolve("second.log"))).contains("Recovered the submission of PACA-CA/2021-06-20/job.0001");
        File[] intents = fx.tracking().resolve(".git/caravan/intents").toFile().listFiles();
        assertThat(intents).isEmpty();
    }

    /**
     * The intents of a release's submissions are written as one group, forced once, before the first of them is sent;
     * a SIGKILL after some were sent leaves the group: the restart asks the backend about each, records the ones sent
     * and releases the others, so every job runs once.
     */
    @Test
    void killAfterAGroupOfIntentsAndSomeOfItsSubmissionsThenRestart() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 3);
        fx.slack.close();
        Map<String, String> s = fx.settings("local1", 3);
        s.remove("caravan.slack.webhook-url");
        DaemonProcesses.Crash crash = daemons.killRightAfterSubmit(dir, s);
        Path intentsDir = fx.tracking().resolve(".git/caravan/intents");
        List<String> left;
        try (var files = Files.list(intentsDir)) {
            left = files.map(p -> p.getFileName().toString()).toList();
        }
        // one file for the three submissions, not one each
        assertThat(left).hasSize(1);
        assertThat(left.get(0)).endsWith(".group");
        assertThat(Files.readString(intentsDir.resolve(left.get(0))))
                .contains("job.0001", "job.0002", "job.0003").endsWith("end 3\n");
        assertThat(fx.jobsIn("backlog")).contains(crash.job().substring(crash.job().lastIndexOf('/') + 1));

        Process second = daemons.start(crash.config(), dir.resolve("second.log"), Map.of());
        Poll.until("all three jobs completed", Duration.ofSeconds(90),
                () -> fx.jobsIn("completed").size() == 3 || !second.isAlive());
        assertThat(second.isAlive()).as("second daemon alive").isTrue();

        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003");
        for (String job : List.of("job.0001", "job.0002", "job.0003")) {
            try (var files = Files.list(fx.tracking().resolve("jobs/PACA-CA/2021-06-20/completed/" + job))) {
                assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run."))).as(job).hasSize(1);
            }
        }
        assertThat(Files.readString(dir.resolve("second.log"))).contains("Recovered the submission of " + crash.job());
        assertThat(intentsDir.toFile().listFiles()).isEmpty();
    }
}
