package dev.caravan.engine;

import dev.caravan.model.JobRef;

/**
 * What one submission came to: submitted, refused (it stays in backlog, listed in a WARNING), the environment's
 * backend failing critically (it releases nothing more this cycle), or skipped (moved by a merge, or the environment
 * already stopped).
 */
public record SubmitOutcome(JobRef job, Kind kind, String detail) {

    public enum Kind {
        SUBMITTED,
        REFUSED,
        CRITICAL,
        SKIPPED
    }

    static SubmitOutcome submitted(JobRef job, String runId) {
        return new SubmitOutcome(job, Kind.SUBMITTED, runId);
    }

    static SubmitOutcome refused(JobRef job, String why) {
        return new SubmitOutcome(job, Kind.REFUSED, why);
    }

    static SubmitOutcome critical(JobRef job, String why) {
        return new SubmitOutcome(job, Kind.CRITICAL, why);
    }

    static SubmitOutcome skipped(JobRef job) {
        return new SubmitOutcome(job, Kind.SKIPPED, "");
    }
}
