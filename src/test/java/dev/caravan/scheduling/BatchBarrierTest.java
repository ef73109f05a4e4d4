package dev.caravan.scheduling;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchBarrierTest {

    private static Job job(String group, String batch, State state, String env) {
        List<RunMarker> runs = env == null ? List.of() : List.of(new RunMarker(1, env, "r-" + group + batch));
        return new Job(new JobRef(group, batch, "job.0001"), state, runs);
    }

    @Test
    void theLowestBatchInFlightHoldsTheOthersBack() {
        List<Job> inFlight = List.of(job("c2", "gear-2026-11-21.b02", State.QUEUED, "fw"));
        List<Job> backlog = List.of(job("c1", "gear-2026-11-21.b01", State.BACKLOG, null),
                job("c3", "gear-2026-11-21.b03", State.BACKLOG, null));
        assertThat(BatchBarrier.currentBatch(inFlight, backlog, j -> j.mayRunOn("fw"))).contains("gear-2026-11-21.b02");
    }

    @Test
    void withNothingInFlightTheLowestWaitingBatchIsNext() {
        List<Job> backlog = List.of(job("c3", "gear-2026-11-21.b03", State.BACKLOG, null),
                job("c1", "gear-2026-11-21.b02", State.BACKLOG, null),
                job("c9", "gear-2026-11-21.b01", State.BACKLOG, "other-env"));
        assertThat(BatchBarrier.currentBatch(List.of(), backlog, j -> j.mayRunOn("fw"))).contains("gear-2026-11-21.b02");
        assertThat(BatchBarrier.currentBatch(List.of(), List.of(), j -> j.mayRunOn("fw"))).isEmpty();
    }

    @Test
    void aBatchThisEnvironmentMayNotReleaseIsNeverTheCurrentOne() {
        List<Job> backlog = List.of(job("excluded", "gear-2026-11-21.b01", State.BACKLOG, null),
                job("c1", "gear-2026-11-21.b02", State.BACKLOG, null));
        ReleasePlanner planner = new ReleasePlanner(List.of(), java.util.Set.of("excluded"));
        assertThat(BatchBarrier.currentBatch(List.of(), backlog, j -> planner.mayRelease(j, "fw")))
                .contains("gear-2026-11-21.b02");
    }
}
