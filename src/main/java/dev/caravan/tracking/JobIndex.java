package dev.caravan.tracking;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The in-memory picture of the tree: every job with its state and run markers, plus the jobs held
 * back because something about them is malformed. Kept in step with every move so that a cycle never
 * re-reads the tree.
 */
public final class JobIndex {

    /** Versions are unique across indexes: a tree read again gets a new index whose version no earlier one had. */
    private static final java.util.concurrent.atomic.AtomicLong VERSIONS = new java.util.concurrent.atomic.AtomicLong();

    /** Volatile: a batch's GET compares it without waiting for a running cycle's lock (Intake.indexVersion). */
    private volatile long version = VERSIONS.incrementAndGet();
    private final Map<JobRef, Job> jobs = new HashMap<>();
    private final Map<State, NavigableSet<JobRef>> byState = new TreeMap<>();
    private final Map<JobRef, String> held = new TreeMap<>();
    /** Second copies of a job found in another state folder: held, never scheduled, but counted as the shell loop does. */
    private final Map<String, Map<State, Integer>> duplicateCopies = new TreeMap<>();
    /** Every state folder seen per group, even empty ones, so the report can list them. */
    private final Map<String, java.util.Set<State>> statesSeen = new TreeMap<>();

    /**
     * Changes whenever a job is added, moved, removed, held or released, or gets a run: what a view made from the index
     * (a batch's items) may be kept against.
     */
    public long version() {
        return version;
    }

    private void changed() {
        version = VERSIONS.incrementAndGet();
    }

    void put(Job job) {
        changed();
        Job old = jobs.put(job.ref(), job);
        if (old != null) {
            byState.get(old.state()).remove(old.ref());
        }
        byState.computeIfAbsent(job.state(), s -> new TreeSet<>()).add(job.ref());
        noteState(job.ref().group(), job.state());
    }

    void noteState(String group, State state) {
        statesSeen.computeIfAbsent(group, g -> new TreeSet<>()).add(state);
    }

    void countDuplicate(JobRef ref, State state) {
        duplicateCopies.computeIfAbsent(ref.group(), g -> new TreeMap<>()).merge(state, 1, Integer::sum);
    }

    void remove(JobRef ref) {
        changed();
        Job old = jobs.remove(ref);
        if (old != null) {
            byState.get(old.state()).remove(ref);
        }
        held.remove(ref);
    }

    void hold(JobRef ref, String reason) {
        changed();
        held.merge(ref, reason, (a, b) -> a + "; " + b);
    }

    void release(JobRef ref) {
        changed();
        held.remove(ref);
    }

    Job move(JobRef ref, State to) {
        Job job = require(ref);
        Job moved = job.withState(to);
        put(moved);
        return moved;
    }

    Job addRun(JobRef ref, RunMarker marker) {
        Job job = require(ref).withRun(marker);
        put(job);
        return job;
    }

    private Job require(JobRef ref) {
        Job job = jobs.get(ref);
        if (job == null) {
            throw new IllegalStateException("job " + ref + " is not in the index");
        }
        return job;
    }

    public Optional<Job> get(JobRef ref) {
        return Optional.ofNullable(jobs.get(ref));
    }

    public int size() {
        return jobs.size();
    }

    public Collection<Job> all() {
        return Collections.unmodifiableCollection(jobs.values());
    }

    /** Jobs of one state, by path. */
    public List<Job> inState(State state) {
        NavigableSet<JobRef> refs = byState.getOrDefault(state, Collections.emptyNavigableSet());
        List<Job> out = new ArrayList<>(refs.size());
        for (JobRef r : refs) {
            out.add(jobs.get(r));
        }
        return out;
    }

    /** Queued jobs whose newest run went to {@code env}, by path. */
    public List<Job> inFlight(String env) {
        List<Job> out = new ArrayList<>();
        for (Job j : inState(State.QUEUED)) {
            if (j.inFlightOn(env) && !isHeld(j.ref())) {
                out.add(j);
            }
        }
        return out;
    }

    public boolean isHeld(JobRef ref) {
        return held.containsKey(ref);
    }

    public Map<JobRef, String> held() {
        return Collections.unmodifiableMap(held);
    }

    /** Job counts per group and state; states seen on disk but empty count 0. */
    public SortedMap<String, SortedMap<State, Integer>> counts() {
        SortedMap<String, SortedMap<State, Integer>> out = new TreeMap<>();
        statesSeen.forEach((g, states) -> {
            SortedMap<State, Integer> m = new TreeMap<>();
            states.forEach(s -> m.put(s, 0));
            out.put(g, m);
        });
        for (Job j : jobs.values()) {
            out.computeIfAbsent(j.ref().group(), g -> new TreeMap<>()).merge(j.state(), 1, Integer::sum);
        }
        duplicateCopies.forEach((g, m) -> m.forEach((s, n) ->
                out.computeIfAbsent(g, x -> new TreeMap<>()).merge(s, n, Integer::sum)));
        return out;
    }
}
