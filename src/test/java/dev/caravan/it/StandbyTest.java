package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10.9: a standby daemon on the leader's clone used to report the tree as it was at its own start, and on
 * take-over warned that the jobs the leader had finished were "moved by an operator". Now it follows the leader's
 * commits (caravan.standby.refresh-interval, through the standby-view route) and takes over without a false warning.
 */
@FlowTest
class StandbyTest {

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness leader;
    private DaemonHarness standby;

    @AfterEach
    void stop() throws Exception {
        if (leader != null) {
            leader.close();
        }
        if (standby != null) {
            standby.close();
        }
        fx.slack.close();
    }

    @Test
    void theStandbysReportIsCurrentAndTakeOverRaisesNoFalseWarning() throws Exception {
        fx = new FlowFixture(dir, 3);
        Map<String, String> s = fx.settings("local1", 3);
        s.put("caravan.standby.refresh-interval", "200ms");
        leader = DaemonHarness.start(dir, s);
        leader.cycle();
        assertThat(fx.jobsIn("queued")).hasSize(3);
        standby = DaemonHarness.start(dir, s);
        assertThat(standby.engine().report()).contains("PACA-CA queued 3");

        Poll.until("the leader finished every job", Duration.ofSeconds(30), () -> {
            leader.cycle();
            return fx.jobsIn("completed").size() == 3;
        });
        Poll.until("the standby's report follows the leader", Duration.ofSeconds(10),
                () -> standby.engine().report().contains("PACA-CA completed 3"));
        assertThat(standby.engine().report()).contains("PACA-CA queued 0");
        assertThat(standby.engine().standbySince()).isPresent();

        leader.close();
        leader = null;
        standby.cycle();
        standby.cycle();
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003");
        assertThat(fx.jobsIn("completed")).hasSize(3);
        Poll.until("the summaries", Duration.ofSeconds(10), () -> fx.slack.anyContains("queued→completed"));
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("moved out of queued by an operator"))
                .noneMatch(t -> t.contains("WARNING"));
    }
}
