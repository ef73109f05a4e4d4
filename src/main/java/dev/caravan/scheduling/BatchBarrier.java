package dev.caravan.scheduling;

import dev.caravan.model.Job;

import java.util.Collection;
import java.util.Optional;

/**
 * Batch by batch (NACC): an environment with a barrier releases only from its current batch, the
 * lowest-named batch that still has jobs in flight on it, or else the lowest-named batch with jobs
 * waiting in the backlog. The next batch starts only when every job of the current one has ended;
 * no thread waits for it, the next cycle simply finds the barrier lifted.
 */
public final class BatchBarrier {

    private BatchBarrier() {
    }

    /** The batch releases may come from, or empty when there is nothing to release. */
    public static Optional<String> currentBatch(Collection<Job> inFlight, Collection<Job> backlog, String env) {
        Optional<String> running = inFlight.stream().map(j -> j.ref().batch()).min(String::compareTo);
        if (running.isPresent()) {
            return running;
        }
        return backlog.stream().filter(j -> j.mayRunOn(env)).map(j -> j.ref().batch()).min(String::compareTo);
    }
}
