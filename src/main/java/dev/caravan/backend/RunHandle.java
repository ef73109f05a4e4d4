package dev.caravan.backend;

import dev.caravan.model.JobRef;

/** A run the cycle asks about: the job it belongs to and the backend's id for it. */
public record RunHandle(JobRef job, String runId) {
}
