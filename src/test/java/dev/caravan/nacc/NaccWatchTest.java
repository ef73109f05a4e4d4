package dev.caravan.nacc;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.Level;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The watch's decisions: "still running" on its interval, one retry, then the final report. */
class NaccWatchTest {

    private static final String RUN = "copy-2026-01-05";
    private static final Duration HALF_HOUR = Duration.ofMinutes(30);

    private static Job job(String center, int batch, State state, int runs) {
        List<RunMarker> markers = new java.util.ArrayList<>();
        for (int i = 0; i < runs; i++) {
            markers.add(new RunMarker(100 + i, "fw", "fwjob" + center + i));
        }
        return new Job(new JobRef(center, RUN + ".b0" + batch, "job.0001"), state, markers);
    }

    private static NaccRunLog.RunState state(String status, long lastStatus, boolean retry) {
        return new NaccRunLog.RunState(RUN, "copy", "fw", 0, 2, 3, retry, status, lastStatus, List.of());
    }

    @Test
    void saysStillRunningEveryInterval() {
        List<Job> jobs = List.of(job("a", 1, State.QUEUED, 1), job("b", 1, State.COMPLETED, 1), job("c", 2, State.BACKLOG, 0));
        NaccWatch.Step quiet = NaccWatch.step(state(NaccRunLog.RUNNING, 1000, true), jobs, Instant.ofEpochSecond(1000 + 1799),
                HALF_HOUR, j -> "");
        assertThat(quiet.notifications()).isEmpty();
        NaccWatch.Step info = NaccWatch.step(state(NaccRunLog.RUNNING, 1000, true), jobs, Instant.ofEpochSecond(1000 + 1800),
                HALF_HOUR, j -> "");
        assertThat(info.notifications()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Level.INFO);
            assertThat(n.text()).isEqualTo("NACC run copy-2026-01-05 (gear copy on fw) still running: batch b01 (1 of 2):"
                    + " 1 in flight; 1 completed, 0 failed so far; 1 center in 1 later batch");
        });
        assertThat(info.state().lastStatus()).isEqualTo(2800);
        assertThat(info.retry()).isEmpty();
    }

    @Test
    void retriesFailedJobsOnceWhenEveryBatchEnded() {
        List<Job> jobs = List.of(job("a", 1, State.FAILED, 1), job("b", 1, State.COMPLETED, 1), job("c", 2, State.FAILED, 1));
        NaccWatch.Step s = NaccWatch.step(state(NaccRunLog.RUNNING, 0, true), jobs, Instant.ofEpochSecond(10), HALF_HOUR, j -> "");
        assertThat(s.retry()).extracting(JobRef::group).containsExactly("a", "c");
        assertThat(s.state().status()).isEqualTo(NaccRunLog.RETRYING);
        assertThat(s.notifications()).singleElement().satisfies(n -> assertThat(n.text())
                .endsWith("every batch has ended; retrying 2 failed jobs once: a, c"));

        // after the retry: what still failed is CRITICAL, and the run is closed
        List<Job> after = List.of(job("a", 1, State.COMPLETED, 2), job("b", 1, State.COMPLETED, 1), job("c", 2, State.FAILED, 2));
        NaccRunLog.RunState retrying = s.state();
        NaccWatch.Step end = NaccWatch.step(retrying, after, Instant.ofEpochSecond(20), HALF_HOUR, j -> j.ref().group() + " line");
        assertThat(end.retry()).isEmpty();
        assertThat(end.state().status()).isEqualTo(NaccRunLog.DONE);
        assertThat(end.notifications()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Level.CRITICAL);
            assertThat(n.text()).isEqualTo("NACC run copy-2026-01-05 (gear copy on fw): 1 of 3 centers still failed after one"
                    + " retry (2 completed):\n• c line");
        });
    }

    @Test
    void withoutRetriesTheEndComesAtOnce() {
        List<Job> jobs = List.of(job("a", 1, State.FAILED, 1), job("b", 2, State.COMPLETED, 1));
        NaccWatch.Step s = NaccWatch.step(state(NaccRunLog.RUNNING, 0, false), jobs, Instant.ofEpochSecond(10), HALF_HOUR,
                j -> "a line");
        assertThat(s.retry()).isEmpty();
        assertThat(s.notifications()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Level.CRITICAL);
            assertThat(n.text()).contains("1 of 2 centers still failed (1 completed)").doesNotContain("retry");
        });
    }

    @Test
    void aRunWithoutFailuresEndsWithAnInfo() {
        List<Job> jobs = List.of(job("a", 1, State.COMPLETED, 1), job("b", 2, State.COMPLETED, 2), job("c", 2,
                new State("onhold"), 0));
        NaccWatch.Step s = NaccWatch.step(state(NaccRunLog.RUNNING, 0, true), jobs, Instant.ofEpochSecond(10), HALF_HOUR, j -> "");
        assertThat(s.notifications()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Level.INFO);
            assertThat(n.text()).isEqualTo("NACC run copy-2026-01-05 (gear copy on fw) done: 2 of 3 centers completed in 2"
                    + " batches; 1 in other folders (not scheduled): c (onhold)");
        });
        assertThat(s.state().status()).isEqualTo(NaccRunLog.DONE);
        assertThat(NaccWatch.step(state(NaccRunLog.RUNNING, 0, true), List.of(), Instant.ofEpochSecond(10), HALF_HOUR, j -> "")
                .state().status()).isEqualTo(NaccRunLog.DONE);
    }
}
