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

    /**
     * The size: 500 runs in flight on the RDPC (ARGO) emulator, whose poll round is one GraphQL state query per
     * 100 runs, so rounds count exactly; a poll interval of 3 s (a round of 500 takes a second or two on a loaded machine)
     * and a request for a cycle every 50 ms. The runs are already in flight when the daemon starts (queued jobs with
     * their run markers, the runs RUNNING on the server).
     */
    @Test
    void fiveHundredRunsInFlightMakeOneRoundPerInterval() throws Exception {
        int runs = 500;
        int perRound = runs / 100;
        emu = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient("caravan", "secret");
        fx = new FlowFixture(dir, 0);
        Path seed = java.nio.file.Files.createDirectories(dir.resolve("in-flight"));
        long epoch = System.currentTimeMillis() / 1000 - 60;
        for (int i = 1; i <= runs; i++) {
            String run = java.util.UUID.randomUUID().toString();
            emu.preload(run, "RUNNING", java.util.UUID.randomUUID().toString());
            Path job = java.nio.file.Files.createDirectories(seed.resolve("jobs").resolve(FlowFixture.GROUP)
                    .resolve(FlowFixture.BATCH).resolve("queued").resolve(String.format("job.%04d", i)));
            java.nio.file.Files.writeString(job.resolve("params.json"), "{}\n");
            java.nio.file.Files.writeString(job.resolve("run." + epoch + "." + ENV + "." + run), "");
        }
        Path remote = dev.caravan.testkit.GitFixtures.bareRemote(dir.resolve("in-flight.git"), seed);
        Map<String, String> p = DaemonHarness.base(dir);
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.triggers.enabled", "true");
        p.put("caravan.cycle.cron", "0 0 0 1 1 ?");
        p.putAll(emu.environmentSettings(ENV, "caravan", "secret", "api-token"));
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(runs));
        p.put("caravan.env." + ENV + ".excessive-failure-threshold", "0");
        p.put("caravan.env." + ENV + ".poll-interval", "3s");
        daemon = DaemonHarness.start(dir, p);
        Poll.until("the first cycle", Duration.ofSeconds(60), () -> daemon.engine().lastCycleEnd().isPresent());
        int inFlight = daemon.engine().inspect(t -> t.index().inFlight(ENV).size());
        assertThat(inFlight).isEqualTo(runs);

        // count from right after a round (its queries go one after the other) to the end of the last one
        int first = emu.count(Kind.GRAPHQL);
        Poll.until("a round after the first", Duration.ofSeconds(30), () -> emu.count(Kind.GRAPHQL) >= first + perRound
                && emu.count(Kind.GRAPHQL) % perRound == 0);
        emu.resetCounts();
        long cyclesBefore = daemon.engine().cycleRequestCounts()[1];
        long start = System.nanoTime();
        Poll.until("three intervals of requests", Duration.ofSeconds(30), () -> {
            daemon.engine().requestCycle(List.of(ENV), "test");
            return System.nanoTime() - start > 9_000_000_000L;
        });
        long cycles = daemon.engine().cycleRequestCounts()[1] - cyclesBefore;
        double seconds = (System.nanoTime() - start) / 1e9;
        Poll.until("the round under way finished", Duration.ofSeconds(30), () -> emu.count(Kind.GRAPHQL) % perRound == 0);
        int rounds = emu.count(Kind.GRAPHQL) / perRound;

        // at most one tick of the 3 s timer per interval of the window, plus the round at its end; fewer when a
        // round of 5 queries and its cycle take long (a loaded machine: a second or two), but rounds go on
        assertThat(rounds).as("poll rounds in %.1f s, while %d cycles ran", seconds, cycles)
                .isBetween(2, (int) Math.ceil(seconds / 3) + 1);
        assertThat(cycles).as("cycles in that time").isGreaterThan(2L * rounds);
        assertThat(emu.count(Kind.STATUS)).as("single-run status requests").isZero();
        assertThat(emu.count(Kind.SUBMIT)).isZero();
    }
}
