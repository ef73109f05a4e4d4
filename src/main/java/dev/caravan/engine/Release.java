package dev.caravan.engine;

import dev.caravan.model.JobRef;

import java.util.Map;

/** A backlog job picked for release, with its parameters already read. */
public record Release(JobRef job, Map<String, Object> params) {
}
