package dev.caravan.engine;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Coalesced cycle requests: at most one cycle runs and at most one waits behind it; a request joins the waiting
 * cycle (adding its environments to it). The route that runs cycles asks {@link #request} whether a new waiting
 * cycle must be queued, and {@link #take}s the waiting one's environments when it starts. Pure bookkeeping: which
 * thread runs the cycle is the route's business.
 */
public final class CycleRequests {

    private final Set<String> waiting = new LinkedHashSet<>();
    private boolean queued;
    private long requested;
    private long started;

    /**
     * Adds {@code envs} to the waiting cycle.
     *
     * @return true when no cycle was waiting: the caller queues one (and only then)
     */
    public synchronized boolean request(Collection<String> envs) {
        requested++;
        waiting.addAll(envs);
        if (queued) {
            return false;
        }
        queued = true;
        return true;
    }

    /** The waiting cycle starts: its environments (comma-separated), and the next request queues a new one. */
    public synchronized String take() {
        queued = false;
        started++;
        String envs = String.join(",", waiting);
        waiting.clear();
        return envs;
    }

    /** For the log and tests: {@code [requests received, cycles started, 1 when a cycle waits else 0]}. */
    public synchronized long[] counts() {
        return new long[]{requested, started, queued ? 1 : 0};
    }
}
