package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonFlowTest;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import dev.caravan.model.State;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16.3: with the remote gone, cycles go on in the clone (poll, move, release, commit); the merge and the push
 * wait; one CRITICAL when it starts, one INFO when it is back, and the commits are pushed then.
 */
@FlowTest
class RemoteDownTest extends DaemonFlowTest {

    @Test
    void cyclesGoOnLocallyWhileTheRemoteIsGone() throws Exception {
        fx = new FlowFixture(dir, 4);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 2));
        daemon.cycle();
        assertThat(fx.jobsIn("queued")).hasSize(2);

        Path away = dir.resolve("remote-away.git");
        Files.move(fx.remote, away);
        Poll.until("every job done while the remote is gone", Duration.ofSeconds(40), () -> {
            daemon.cycle();
            return fx.jobsIn("completed").size() == 4;
        });
        for (int i = 0; i < 5; i++) {
            daemon.cycle();
        }
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003", "job.0004");
        String log = FlowFixture.git(fx.tracking(), "log", "--format=%s", "scheduler");
        assertThat(log.lines().filter(l -> l.contains("update job status")).count()).isGreaterThanOrEqualTo(3);
        assertThat(FlowFixture.git(fx.tracking(), "status", "--porcelain")).isEmpty();
        Poll.until("the CRITICAL", Duration.ofSeconds(10), () -> count("cannot be reached") == 1);
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("cannot be reached")).singleElement()
                .satisfies(t -> assertThat(t).contains("CRITICAL").contains("Cycles go on locally"));
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("cycle stopped"));

        Files.move(away, fx.remote);
        daemon.cycle();
        Poll.until("the INFO", Duration.ofSeconds(10), () -> count("reachable again") == 1);
        String pushed = FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler");
        assertThat(pushed).contains("completed/job.0004/params.json").doesNotContain("queued/");
        assertThat(daemon.engine().inspect(t -> t.index()).inState(State.COMPLETED)).hasSize(4);
        assertThat(count("cannot be reached")).isEqualTo(1);
    }

    /**
     * With the shipped fetch timer (caravan.tracking.fetch-interval), cycles do not fetch: the timer's fetch and the
     * push tell whether the remote answers. Driven here by hand, as the leader's fetch-trigger route would. Before, each
     * cycle took a merge without a fetch for a remote that answers: one CRITICAL and one INFO per failed push.
     */
    @Test
    void withTheFetchTimerTheRemoteIsStillOneCriticalAndOneInfo() throws Exception {
        fx = new FlowFixture(dir, 4);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 2));
        daemon.engine().fetchOnTimer();
        daemon.cycle();
        Path away = dir.resolve("remote-away.git");
        Files.move(fx.remote, away);
        assertThat(daemon.engine().adminChanged()).isFalse();
        Poll.until("every job done while the remote is gone", Duration.ofSeconds(40), () -> {
            daemon.cycle();
            return fx.jobsIn("completed").size() == 4;
        });
        for (int i = 0; i < 5; i++) {
            daemon.cycle();
        }
        Poll.until("the CRITICAL", Duration.ofSeconds(10), () -> count("cannot be reached") == 1);
        assertThat(count("reachable again")).isZero();

        Files.move(away, fx.remote);
        daemon.engine().adminChanged();
        daemon.cycle();
        daemon.cycle();
        Poll.until("the INFO", Duration.ofSeconds(10), () -> count("reachable again") == 1);
        assertThat(FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler"))
                .contains("completed/job.0004/params.json");
        assertThat(count("cannot be reached")).isEqualTo(1);
    }
}
