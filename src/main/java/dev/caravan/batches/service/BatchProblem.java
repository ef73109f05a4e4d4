package dev.caravan.batches.service;

/**
 * A request the batch's current state refuses, with the HTTP status the API answers: 404 (no such batch or item),
 * 409 (it exists already, it is running, a submission is under way).
 */
public final class BatchProblem extends RuntimeException {

    private final int status;

    private BatchProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    public static BatchProblem notFound(String message) {
        return new BatchProblem(404, message);
    }

    public static BatchProblem conflict(String message) {
        return new BatchProblem(409, message);
    }

    public int status() {
        return status;
    }
}
