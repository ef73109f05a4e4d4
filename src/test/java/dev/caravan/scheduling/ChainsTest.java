package dev.caravan.scheduling;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ChainsTest {

    private static Job job(String id, State state, String... after) {
        return new Job(new JobRef("p", "wf", id), state, List.of(), List.of(after));
    }

    private static Job running(String id, String env) {
        return new Job(new JobRef("p", "wf", id), State.QUEUED, List.of(new RunMarker(1, env, "r-" + id)), List.of());
    }

    private static Function<JobRef, Optional<Job>> lookup(Job... jobs) {
        Map<JobRef, Job> m = java.util.Arrays.stream(jobs).collect(Collectors.toMap(Job::ref, j -> j));
        return r -> Optional.ofNullable(m.get(r));
    }

    @Test
    void aChainingBackendTakesStepsWhosePredecessorsAreInFlightOrReleasedTogether() {
        Job a = job("a", State.BACKLOG);
        Job b = job("b", State.BACKLOG, "a");
        Job c = running("c", "aws");
        Job d = job("d", State.BACKLOG, "c");
        Job f = job("f", State.FAILED);
        Job g = job("g", State.BACKLOG, "f");
        var look = lookup(a, b, c, d, f, g);
        assertThat(Chains.releasable(b, "aws", true, look)).isTrue();
        assertThat(Chains.releasable(d, "aws", true, look)).isTrue();
        assertThat(Chains.releasable(d, "other", true, look)).isFalse();
        assertThat(Chains.releasable(g, "aws", true, look)).isFalse();
        assertThat(Chains.releasable(b, "local", false, look)).isFalse();
        assertThat(Chains.releasable(job("h", State.BACKLOG, "missing"), "aws", true, look)).isFalse();
    }

    @Test
    void circularDependenciesAreNeverReleased() {
        Job x = job("x", State.BACKLOG, "y");
        Job y = job("y", State.BACKLOG, "x");
        assertThat(Chains.releasable(x, "aws", true, lookup(x, y))).isFalse();
    }

    @Test
    void pickedJobsGroupIntoOrderedChainsAndAStepWithoutItsPredecessorWaits() {
        Job s1a = job("s1.1", State.BACKLOG);
        Job s1b = job("s1.2", State.BACKLOG, "s1.1");
        Job s1c = job("s1.3", State.BACKLOG, "s1.2");
        Job s2a = job("s2.1", State.BACKLOG);
        Job s3b = job("s3.2", State.BACKLOG, "s3.1"); // s3.1 waits in the backlog but was not picked
        Set<JobRef> backlog = Set.of(s1a.ref(), s1b.ref(), s1c.ref(), s2a.ref(), s3b.ref(), new JobRef("p", "wf", "s3.1"));
        List<List<Job>> chains = Chains.group(List.of(s1c, s2a, s1a, s3b, s1b), backlog);
        assertThat(chains).hasSize(2);
        assertThat(chains.get(0)).extracting(j -> j.ref().jobId()).containsExactly("s1.1", "s1.2", "s1.3");
        assertThat(chains.get(1)).extracting(j -> j.ref().jobId()).containsExactly("s2.1");
    }
}
