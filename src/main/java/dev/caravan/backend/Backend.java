package dev.caravan.backend;

import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * One compute backend for one environment. Backends never touch the tracking tree: they get what
 * they need in the request and answer with run ids and states mapped onto Caravan's.
 */
public interface Backend extends AutoCloseable {

    /** Starts one run and returns its id; throws when the backend refused or could not be reached. */
    String submit(SubmitRequest request) throws BackendException;

    /**
     * Looks up a run this backend may already have for the request's token (a lost response, a crash
     * between submit and bookkeeping). Empty means the backend never saw this submission.
     */
    Optional<String> findSubmission(SubmitRequest request) throws BackendException;

    /** States of many runs, as few calls as the backend allows; a run it does not know maps to UNKNOWN. */
    Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException;

    void cancel(RunHandle run, String reason) throws BackendException;

    /**
     * The job was deleted from the tree (never while a run of it is in flight): drop whatever this backend keeps
     * locally for it. Most backends keep nothing.
     */
    default void discard(JobRef job) throws BackendException {
    }

    /**
     * Whether the backend orders runs itself ({@link SubmitRequest#dependsOn}, like AWS Batch). When not,
     * a job that runs after another is released only once that one has completed.
     */
    default boolean chainsRuns() {
        return false;
    }

    /** How many runs one poll call can carry; the cycle batches by this. */
    default int pollBatchSize() {
        return Integer.MAX_VALUE;
    }

    /** Whether the backend answers at all: for health checks, never throws. */
    default Optional<String> healthProblem() {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
