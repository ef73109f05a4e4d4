package dev.caravan.model;

import java.util.Comparator;
import java.util.List;

/**
 * The folder a job sits in. The four known states drive scheduling; any other folder name found on
 * disk ({@code onhold}, ...) is a state too, counted and reported but never scheduled.
 */
public record State(String name) implements Comparable<State> {

    public static final State BACKLOG = new State("backlog");
    public static final State QUEUED = new State("queued");
    public static final State FAILED = new State("failed");
    public static final State COMPLETED = new State("completed");
    /**
     * Where an operator's abort puts a job (engine intake): never scheduled, never counted as a failure, reported
     * after the four above like any other folder, and only while it holds jobs.
     */
    public static final State ABORTED = new State("aborted");

    /** The order of the ICGC report: backlog, queued, failed, completed, then any other state by name. */
    public static final List<State> KNOWN = List.of(BACKLOG, QUEUED, FAILED, COMPLETED);

    private static final Comparator<State> ORDER = Comparator.comparingInt(State::rank).thenComparing(State::name);

    public State {
        JobRef.requireSafe("state", name);
    }

    public static State of(String name) {
        for (State s : KNOWN) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        return ABORTED.name.equals(name) ? ABORTED : new State(name);
    }

    public boolean isKnown() {
        return KNOWN.contains(this);
    }

    private int rank() {
        int i = KNOWN.indexOf(this);
        return i < 0 ? KNOWN.size() : i;
    }

    @Override
    public int compareTo(State o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return name;
    }
}
