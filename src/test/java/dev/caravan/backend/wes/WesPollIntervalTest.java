package dev.caravan.backend.wes;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;
import dev.caravan.model.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A remote environment's poll interval is kept whatever else requests cycles: a daemon with 20 runs in flight on
 * the GA4GH WES emulator (one status request per run per poll round, counted by the emulator), a poll interval of one
 * second, and a request for a cycle every 50 ms. The cron is once a year.
 */
@FlowTest
class WesPollIntervalTest {

    static final String ENV = "wes1";
    static final int RUNS = 20;

    @TempDir
    Path dir;

    private WesEmulator emu;
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
        if (emu != null) {
            emu.close();
        }
    }

    @Test
    void oneStatusRoundPerIntervalNotOnePerCycle() throws Exception {
        emu = WesEmulator.start(WesEmulator.Dialect.GA4GH).requireClient("caravan", "secret");
        fx = new FlowFixture(dir, RUNS);
        Map<String, String> p = DaemonHarness.base(dir);
        p.put("caravan.tracking.remote", fx.remote.toString());
        p.put("caravan.triggers.enabled", "true");
        p.put("caravan.cycle.cron", "0 0 0 1 1 ?");
        p.putAll(emu.environmentSettings(ENV, "caravan", "secret", "api-token"));
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(RUNS));
        p.put("caravan.env." + ENV + ".excessive-failure-threshold", "0");
        p.put("caravan.env." + ENV + ".poll-interval", "1s");
        daemon = DaemonHarness.start(dir, p);
        Poll.until("every job released", Duration.ofSeconds(60), () -> daemon.engine().inspect(
                t -> t.index().inFlight(ENV).size()) == RUNS && daemon.engine().lastCycleEnd().isPresent());

        // a round is 20 requests one after the other: count from between two rounds to the end of the last one
        Poll.until("between two rounds", Duration.ofSeconds(30), () -> emu.count(Kind.STATUS) % RUNS == 0);
        emu.resetCounts();
        long cyclesBefore = daemon.engine().cycleRequestCounts()[1];
        long start = System.nanoTime();
        // an intake's worth of requests: far more often than the poll interval
        Poll.until("five seconds of requests", Duration.ofSeconds(30), () -> {
            daemon.engine().requestCycle(List.of(ENV), "test");
            return System.nanoTime() - start > 5_000_000_000L;
        });
        long cycles = daemon.engine().cycleRequestCounts()[1] - cyclesBefore;
        double seconds = (System.nanoTime() - start) / 1e9;
        Poll.until("the round under way finished", Duration.ofSeconds(30), () -> emu.count(Kind.STATUS) % RUNS == 0);
        int statuses = emu.count(Kind.STATUS);

        assertThat(statuses / RUNS).as("poll rounds in %.1f s", seconds).isBetween(3, (int) Math.ceil(seconds) + 2);
        assertThat(cycles).as("cycles in that time").isGreaterThan(statuses / RUNS);
        assertThat(emu.count(Kind.SUBMIT)).isZero();
        int queued = daemon.engine().inspect(t -> t.index().inState(State.QUEUED).size());
        assertThat(queued).isEqualTo(RUNS);
    }
}
