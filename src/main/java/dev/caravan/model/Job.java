package dev.caravan.model;

import java.util.List;
import java.util.Optional;

/** A job as the index knows it: where it is, in which state, and its submissions (oldest first). */
public record Job(JobRef ref, State state, List<RunMarker> runs) {

    public Job {
        runs = runs.stream().sorted(RunMarker.ORDER).toList();
    }

    public Optional<RunMarker> newestRun() {
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
    }

    /** In flight on {@code env}: queued, and its newest submission went there. */
    public boolean inFlightOn(String env) {
        return state.equals(State.QUEUED) && newestRun().map(r -> r.env().equals(env)).orElse(false);
    }

    /** A job with earlier runs only goes back to the environment of its newest run. */
    public boolean mayRunOn(String env) {
        return newestRun().map(r -> r.env().equals(env)).orElse(true);
    }

    public Job withState(State s) {
        return new Job(ref, s, runs);
    }

    public Job withRun(RunMarker marker) {
        List<RunMarker> more = new java.util.ArrayList<>(runs);
        more.add(marker);
        return new Job(ref, state, more);
    }
}
