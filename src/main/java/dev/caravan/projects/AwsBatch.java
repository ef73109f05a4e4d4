package dev.caravan.projects;

import dev.caravan.backend.BackendException;
import dev.caravan.model.JobRef;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The calls projects make to an awsbatch environment beyond submitting (which the cycles do): checks at create time,
 * statuses, cancels, logs, whole queues. Implemented by an adapter over the backend, with its retries.
 */
public interface AwsBatch extends JobRules, AutoCloseable {

    /** One job of a queue, as ListJobs gives it. */
    record QueuedJob(String id, String name, String status) {
    }

    /** What {@link #saveLogs} wrote. */
    record Logs(int written, long events, int withoutStream, int missingStream) {
    }

    String envName();

    Set<String> queues();

    Set<String> missingQueues(Collection<String> wanted);

    Set<String> missingJobDefinitions(Collection<String> wanted);

    /** Job id → AWS Batch status (DescribeJobs, 100 ids a call); ids AWS does not know are left out. */
    Map<String, String> statuses(List<String> ids);

    /** DescribeJobs calls made so far. */
    long describeCalls();

    /** Cancels a job's run by the backend's rule: CancelJob before STARTING, TerminateJob after. */
    void cancel(JobRef job, String runId, String reason) throws BackendException;

    /** Each job's CloudWatch Logs stream to {@code dir/STATUS.JOBNAME.JOBID.log}. */
    Logs saveLogs(List<String> ids, Path dir) throws IOException;

    /** Every job of a queue in these statuses (ListJobs, every page). */
    List<QueuedJob> listQueue(String queue, List<String> statuses);

    /** Cancels a queue's job, whoever submitted it, by the same rule as {@link #cancel}. */
    void cancel(QueuedJob job, String reason) throws BackendException;

    @Override
    void close();
}
