package dev.caravan.tracking;

import dev.caravan.model.JobRef;

/** "About to submit this job to this environment with this token", written before the backend is called. */
public record Intent(JobRef job, String env, String token, int attempt, long epoch) {
}
