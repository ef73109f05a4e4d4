package dev.caravan.model;

import java.util.List;
import java.util.Optional;

/**
 * A job as the index knows it: where it is, in which state, its submissions (oldest first), and the
 * jobs of its batch it must run after (empty files {@code after.<job_id>} in its folder: a workflow's
 * previous step for the same sample).
 */
public record Job(JobRef ref, State state, List<RunMarker> runs, List<String> after) {

    public static final String AFTER_PREFIX = "after.";

    public Job {
        runs = runs.stream().sorted(RunMarker.ORDER).toList();
        after = List.copyOf(after);
    }

    public Job(JobRef ref, State state, List<RunMarker> runs) {
        this(ref, state, runs, List.of());
    }

    /** The job this one runs after, as a ref in the same group and batch. */
    public List<JobRef> afterRefs() {
        return after.stream().map(id -> new JobRef(ref.group(), ref.batch(), id)).toList();
    }

    public Optional<RunMarker> newestRun() {
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
    }

    /**
     * The epoch second for this job's next run marker: now, or one past its newest marker when that one is from
     * this second or later (a job that failed at once and was resubmitted, or a clock set back). Markers order by
     * epoch, so without this the new run could sort before the old one and the old one would be followed again.
     */
    public long nextRunEpoch(long nowEpochSecond) {
        return newestRun().map(r -> Math.max(nowEpochSecond, r.epoch() + 1)).orElse(nowEpochSecond);
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
        return new Job(ref, s, runs, after);
    }

    public Job withRun(RunMarker marker) {
        List<RunMarker> more = new java.util.ArrayList<>(runs);
        more.add(marker);
        return new Job(ref, state, more, after);
    }
}
