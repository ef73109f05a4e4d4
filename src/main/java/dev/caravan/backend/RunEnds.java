package dev.caravan.backend;

/**
 * Where a backend reports that it noticed a run end on its own (the local backend's exit-file watch), between
 * polls: the daemon requests a cycle of that environment. Backends that only learn of ends in a poll never call it.
 */
@FunctionalInterface
public interface RunEnds {

    /** No one listens: backends need not watch for ends at all. */
    RunEnds NONE = env -> {
    };

    /** A run of environment {@code env} ended; called from the backend's own thread, must not block. */
    void ended(String env);
}
