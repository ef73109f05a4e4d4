package dev.caravan.projects;

import dev.caravan.backend.BackendException;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Environment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntPredicate;

/** {@code queue status|clear}: an AWS Batch queue as a whole, whoever submitted its jobs (aws-batch-helpers' tools). */
public final class Queues {

    /** Every status a job of a queue can have, in AWS Batch's order. */
    public static final List<String> ALL = List.of("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING",
            "SUCCEEDED", "FAILED");
    /** The statuses of jobs that have not ended. */
    public static final List<String> OPEN = ALL.subList(0, 5);

    private final Environments environments;
    private final Function<Environment, AwsBatch> batches;

    public Queues(Environments environments, Function<Environment, AwsBatch> batches) {
        this.environments = environments;
        this.batches = batches;
    }

    /** Jobs per status (those asked for), in {@link #ALL}'s order. */
    public record Counts(String queue, String env, Map<String, Integer> counts, int total) {
    }

    public Counts status(String queue, Optional<String> envName, List<String> statuses) {
        Environment env = environments.awsBatch(envName);
        try (AwsBatch b = batches.apply(env)) {
            requireQueue(b, queue);
            Map<String, Integer> counts = new LinkedHashMap<>();
            statuses.forEach(st -> counts.put(st, 0));
            List<AwsBatch.QueuedJob> jobs = b.listQueue(queue, statuses);
            jobs.forEach(j -> counts.merge(j.status(), 1, Integer::sum));
            return new Counts(queue, env.name(), counts, jobs.size());
        }
    }

    /** What a clear did: {@code cancelled} of {@code jobs}; none when there was nothing or it was not confirmed. */
    public record Cleared(int jobs, boolean done, int cancelled, List<String> problems) {
    }

    /**
     * Cancels every job of the queue in these statuses, by the backend's rule, once {@code confirm} agrees to the
     * number of jobs.
     */
    public Cleared clear(String queue, Optional<String> envName, List<String> statuses, String reason,
                         IntPredicate confirm) {
        Environment env = environments.awsBatch(envName);
        try (AwsBatch b = batches.apply(env)) {
            requireQueue(b, queue);
            List<AwsBatch.QueuedJob> jobs = b.listQueue(queue, statuses);
            if (jobs.isEmpty() || !confirm.test(jobs.size())) {
                return new Cleared(jobs.size(), false, 0, List.of());
            }
            int done = 0;
            List<String> problems = new ArrayList<>();
            for (AwsBatch.QueuedJob j : jobs) {
                try {
                    b.cancel(j, reason);
                    done++;
                } catch (BackendException e) {
                    problems.add(e.getMessage());
                }
            }
            return new Cleared(jobs.size(), true, done, problems);
        }
    }

    private static void requireQueue(AwsBatch b, String queue) {
        if (b.missingQueues(List.of(queue)).contains(queue)) {
            throw new BadInputException("job queue '" + queue + "' does not exist on AWS Batch (environment "
                    + b.envName() + ")");
        }
    }
}
