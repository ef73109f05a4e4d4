package dev.caravan.it;

import dev.caravan.model.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cycles on events: a daemon with its triggers on and the cron set to once a year, so every cycle after the first
 * one is requested by an event (a run's end, an intake, a fetch that saw an operator's push).
 */
class CycleEventsTest {

    static final String YEARLY = "0 0 0 1 1 ?";

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.slack.close();
        }
    }

    static Map<String, String> withEvents(Map<String, String> p) {
        p.put("caravan.triggers.enabled", "true");
        p.put("caravan.cycle.cron", YEARLY);
        return p;
    }

    private long inState(State s) {
        return daemon.engine().inspect(t -> t.index().inState(s).size());
    }

    @Test
    void aJobsEndReleasesTheNextWithoutACronTick() throws Exception {
        fx = new FlowFixture(dir, 5);
        daemon = DaemonHarness.start(dir, withEvents(fx.settings("local1", 1)));

        // one slot, five jobs: only the first is released by the leader's first cycle, the others by the ends
        Poll.until("every job completed", Duration.ofSeconds(30), () -> inState(State.COMPLETED) == 5);
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003", "job.0004", "job.0005");
        long[] counts = daemon.engine().cycleRequestCounts();
        assertThat(counts[1]).as("requested cycles started").isBetween(4L, 10L);
    }
}
