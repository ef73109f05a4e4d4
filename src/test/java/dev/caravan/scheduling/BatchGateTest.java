package dev.caravan.scheduling;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatchGateTest {

    private static Job job(String batch, String id, State s) {
        return new Job(new JobRef("wepp", batch, id), s, s.equals(State.QUEUED)
                ? List.of(new RunMarker(1, "local", "r-" + id)) : List.of());
    }

    @Test
    void aBatchNotStartedReleasesNothingAndOtherBatchesAreLeftAlone() {
        BatchGate g = new BatchGate("local", Map.of("wepp/b1", BatchRelease.notStarted("local", 0, List.of("a", "b"))), List.of());
        assertThat(g.allows(job("b1", "a", State.BACKLOG))).isFalse();
        assertThat(g.allows(job("other", "a", State.BACKLOG))).isTrue();
    }

    @Test
    void aStartedBatchReleasesInItsOrderFromItsStartOnlyToItsEnvironmentWithinItsParallelism() {
        BatchRelease r = new BatchRelease(true, "local", 1, List.of("c", "a", "b"), 1);
        List<Job> backlog = List.of(job("b1", "a", State.BACKLOG), job("b1", "b", State.BACKLOG), job("b1", "c", State.BACKLOG));
        BatchGate g = new BatchGate("local", Map.of("wepp/b1", r), List.of());
        assertThat(g.arrange(backlog)).extracting(j -> j.ref().jobId()).containsExactly("c", "a", "b");
        assertThat(g.allows(job("b1", "c", State.BACKLOG))).as("before the start position").isFalse();
        assertThat(g.allows(job("b1", "a", State.BACKLOG))).isTrue();
        assertThat(g.allows(job("b1", "b", State.BACKLOG))).as("parallelism 1 taken").isFalse();

        BatchGate busy = new BatchGate("local", Map.of("wepp/b1", r), List.of(job("b1", "x", State.QUEUED)));
        assertThat(busy.allows(job("b1", "a", State.BACKLOG))).isFalse();
        BatchGate elsewhere = new BatchGate("slurm", Map.of("wepp/b1", r), List.of());
        assertThat(elsewhere.allows(job("b1", "a", State.BACKLOG))).isFalse();
    }

    @Test
    void theRuleReadsBackAsWritten() {
        BatchRelease r = new BatchRelease(true, "local", 2, List.of("x"), 0);
        assertThat(BatchRelease.parse(r.toJson(), "release.json")).isEqualTo(r);
    }
}
