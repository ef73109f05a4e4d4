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

    @Test
    void twoHundredEndsWithinASecondMakeAHandfulOfCycles() throws Exception {
        fx = new FlowFixture(dir, 200);
        Map<String, String> p = withEvents(fx.settings("local1", 200));
        // every job waits for a shared flock(1) on a gate the test holds, so the 200 ends come at once when it lets go
        Path gate = dir.resolve("gate");
        java.nio.file.Files.createFile(gate);
        Process holder = new ProcessBuilder("flock", gate.toString(), "cat").start();
        try {
            p.put("caravan.env.local1.command", "flock -s " + gate + " true && echo {job_id} >> " + fx.runsLog);
            daemon = DaemonHarness.start(dir, p);
            Poll.until("all 200 released", Duration.ofSeconds(120), () -> inState(State.QUEUED) == 200
                    && daemon.engine().lastCycleEnd().isPresent());
            long[] before = daemon.engine().cycleRequestCounts();
            long commitsBefore = commits();

            holder.getOutputStream().close(); // cat ends, the lock goes, every job ends
            Poll.until("every job completed and committed", Duration.ofSeconds(60), () -> inState(State.COMPLETED) == 200
                    && daemon.engine().cycleRequestCounts()[2] == 0 && clean());
            long[] after = daemon.engine().cycleRequestCounts();
            long cycles = after[1] - before[1];
            assertThat(fx.runs()).hasSize(200);
            assertThat(after[0] - before[0]).as("cycle requests").isPositive();
            assertThat(cycles).as("cycles those ends made").isBetween(1L, 6L);
            assertThat(commits() - commitsBefore).as("one commit per cycle at most").isBetween(1L, cycles);
        } finally {
            holder.destroyForcibly();
        }
    }

    private boolean clean() {
        try {
            return FlowFixture.git(fx.tracking(), "status", "--porcelain").isBlank();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long commits() throws Exception {
        return Long.parseLong(FlowFixture.git(fx.tracking(), "rev-list", "--count", "HEAD").strip());
    }
}
