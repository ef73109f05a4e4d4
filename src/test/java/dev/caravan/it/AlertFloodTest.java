package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonFlowTest;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16.6: a standing excessive-failure flag used to send one CRITICAL per cycle. Now: one when it is seen, one
 * reminder per caravan.alerts.reminder-interval, one INFO when an operator removes it.
 */
@FlowTest
class AlertFloodTest extends DaemonFlowTest {

    @Test
    void aStandingFlagIsAnnouncedOnceRemindedAndClearedOnce() throws Exception {
        fx = new FlowFixture(dir, 2);
        try (Git op = GitFixtures.operatorClone(fx.remote, dir.resolve("operator"))) {
            Files.writeString(dir.resolve("operator/jobs/excessive_failure.local1.txt"), "# looked at later\n");
            GitFixtures.commitAllAndPush(op, "stop local1");
        }
        Map<String, String> s = fx.settings("local1", 2);
        s.put("caravan.alerts.reminder-interval", "3s");
        daemon = DaemonHarness.start(dir, s);
        for (int i = 0; i < 10; i++) {
            daemon.cycle();
        }
        Poll.until("the first CRITICAL", Duration.ofSeconds(10), () -> count("stopped for excessive failures") == 1);
        assertThat(fx.jobsIn("backlog")).hasSize(2);

        Poll.until("one reminder after the interval", Duration.ofSeconds(20), () -> {
            daemon.cycle();
            return count("stopped for excessive failures") == 2;
        });
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("stopped for excessive failures")).last()
                .satisfies(t -> assertThat(t).contains("(still so, since"));

        try (Git op = Git.open(dir.resolve("operator").toFile())) {
            GitFixtures.mergeScheduler(op);
            Files.delete(dir.resolve("operator/jobs/excessive_failure.local1.txt"));
            GitFixtures.commitAllAndPush(op, "local1 looked at");
        }
        daemon.cycle();
        daemon.cycle();
        Poll.until("the clear", Duration.ofSeconds(10), () -> count("excessive_failure.local1.txt was removed") == 1);
        assertThat(fx.jobsIn("backlog")).isEmpty();
        assertThat(count("stopped for excessive failures")).isEqualTo(2);
    }
}
