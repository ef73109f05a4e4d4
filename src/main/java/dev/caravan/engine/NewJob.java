package dev.caravan.engine;

import dev.caravan.model.JobRef;

import java.util.List;

/**
 * A job to add to the backlog: its {@code params.json} bytes, and the jobs of its batch it runs after
 * ({@code after.<job_id>} files).
 */
public record NewJob(JobRef ref, byte[] params, List<String> after) {

    public NewJob {
        after = List.copyOf(after);
    }

    public NewJob(JobRef ref, byte[] params) {
        this(ref, params, List.of());
    }
}
