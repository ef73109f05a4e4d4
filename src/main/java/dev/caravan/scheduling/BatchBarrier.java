package dev.caravan.scheduling;

import dev.caravan.model.Job;

import java.util.Collection;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Batch by batch (NACC): an environment with a barrier releases only from its current batch, the
 * lowest-named batch that still has jobs in flight on it, or else the lowest-named batch with jobs
 * waiting in the backlog that this environment may release. The next batch starts only when every job of
 * the current one has ended; no thread waits for it, the next cycle simply finds the barrier lifted.
 * A batch this environment may not release (its group excluded, its jobs another environment's) never
 * becomes the current batch: it would hold the environment back for good.
 */
public final class BatchBarrier {

    private BatchBarrier() {
    }

    /**
     * The batch releases may come from, or empty when there is nothing to release.
     *
     * @param mayRelease whether this environment may release a backlog job at all (group not excluded, job not
     *                   another environment's, not held)
     */
    public static Optional<String> currentBatch(Collection<Job> inFlight, Collection<Job> backlog,
                                                Predicate<Job> mayRelease) {
        Optional<String> running = inFlight.stream().map(j -> j.ref().batch()).min(String::compareTo);
        if (running.isPresent()) {
            return running;
        }
        return backlog.stream().filter(mayRelease).map(j -> j.ref().batch()).min(String::compareTo);
    }
}
