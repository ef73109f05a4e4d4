package dev.caravan.camel;

import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.awsbatch.AwsBatchBackend;
import dev.caravan.backend.awsbatch.AwsBatchBackendFactory;
import dev.caravan.backend.awsbatch.BatchJobSpec;
import dev.caravan.backend.awsbatch.BatchLogs;
import dev.caravan.model.Environment;
import dev.caravan.model.JobRef;
import dev.caravan.projects.AwsBatch;
import dev.caravan.projects.JobRules;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The projects capability's calls to an awsbatch environment, made by a backend of its own (with its retries and
 * its cancel rule); the backend's types stay on this side.
 */
public final class AwsBatchCalls implements AwsBatch {

    /** AWS Batch's rules for a job, which need no client. */
    public static final JobRules RULES = new JobRules() {
        @Override
        public void checkContainerOverrides(Object value, String where) {
            BatchJobSpec.containerOverrides(value, where);
        }

        @Override
        public void checkParams(Map<String, Object> params) {
            BatchJobSpec.of(params, new BatchJobSpec.Defaults(Optional.empty(), Optional.empty(),
                    AwsBatchBackendFactory.DEFAULT_TIMEOUT, 1));
        }

        @Override
        public int maxOutputs() {
            return BatchJobSpec.MAX_OUTPUTS;
        }

        @Override
        public boolean isSkipped(String runId) {
            return AwsBatchBackend.isSkipped(runId);
        }
    };

    private final Environment env;
    private final Path workDir;
    private AwsBatchBackend backend;

    AwsBatchCalls(Environment env, Path workDir) {
        this.env = env;
        this.workDir = workDir;
    }

    /** Made on first use: checks that need no AWS call make no client. */
    private synchronized AwsBatchBackend backend() {
        if (backend == null) {
            backend = AwsBatchBackendFactory.create(AwsBatchBackendFactory.config(env),
                    new BackendContext(workDir.toAbsolutePath(), Clock.systemUTC()));
        }
        return backend;
    }

    @Override
    public void checkContainerOverrides(Object value, String where) {
        RULES.checkContainerOverrides(value, where);
    }

    @Override
    public void checkParams(Map<String, Object> params) {
        RULES.checkParams(params);
    }

    @Override
    public int maxOutputs() {
        return RULES.maxOutputs();
    }

    @Override
    public boolean isSkipped(String runId) {
        return RULES.isSkipped(runId);
    }

    @Override
    public String envName() {
        return env.name();
    }

    @Override
    public Set<String> queues() {
        return backend().queues();
    }

    @Override
    public Set<String> missingQueues(Collection<String> wanted) {
        return backend().missingQueues(wanted);
    }

    @Override
    public Set<String> missingJobDefinitions(Collection<String> wanted) {
        return backend().missingJobDefinitions(wanted);
    }

    @Override
    public Map<String, String> statuses(List<String> ids) {
        Map<String, String> out = new LinkedHashMap<>();
        backend().describeAll(ids).forEach((id, d) -> out.put(id, String.valueOf(d.status())));
        return out;
    }

    @Override
    public long describeCalls() {
        return backend == null ? 0 : backend.stats().describeCalls.get();
    }

    @Override
    public void cancel(JobRef job, String runId, String reason) throws BackendException {
        backend().cancel(new RunHandle(job, runId), reason);
    }

    @Override
    public Logs saveLogs(List<String> ids, Path dir) throws IOException {
        Collection<JobDetail> details = backend().describeAll(ids).values();
        try (BatchLogs logs = BatchLogs.open(AwsBatchBackendFactory.config(env))) {
            BatchLogs.Result r = logs.save(details, dir);
            return new Logs(r.written(), r.events(), r.withoutStream(), r.missingStream());
        }
    }

    @Override
    public List<QueuedJob> listQueue(String queue, List<String> statuses) {
        return backend().listQueue(queue, statuses.stream().map(JobStatus::fromValue).toList()).stream()
                .map(j -> new QueuedJob(j.jobId(), j.jobName(), String.valueOf(j.status()))).toList();
    }

    @Override
    public void cancel(QueuedJob job, String reason) throws BackendException {
        backend().cancelJob(job.id(), "job " + job.id() + " (" + job.name() + ")", reason);
    }

    @Override
    public synchronized void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
