package dev.caravan.backend;

import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;

import java.util.Map;
import java.util.Optional;

/**
 * Everything a backend needs to start one run of a job.
 *
 * @param params      the job's params.json, parsed; secrets are added by the backend in memory only
 * @param token       unique per submission attempt ({@code group/batch/job#attempt-nonce}); backends tag
 *                    the run with it so that {@link Backend#findSubmission} can find it again
 * @param attempt     1 for the first submission of the job, counting all earlier run markers
 * @param previousRun the newest earlier run, for backends that resume
 * @param dependsOn   run ids (on this environment) of the jobs this one runs after that are still in
 *                    flight: backends that can chain (AWS Batch {@code dependsOn}) order them themselves
 */
public record SubmitRequest(JobRef job, Map<String, Object> params, String token, int attempt,
                            Optional<RunMarker> previousRun, java.util.List<String> dependsOn) {

    public SubmitRequest {
        params = Map.copyOf(params);
        dependsOn = java.util.List.copyOf(dependsOn);
    }

    public SubmitRequest(JobRef job, Map<String, Object> params, String token, int attempt,
                         Optional<RunMarker> previousRun) {
        this(job, params, token, attempt, previousRun, java.util.List.of());
    }
}
