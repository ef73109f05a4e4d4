package dev.caravan.backend.awsbatch;

import dev.caravan.aws.AwsErrors;
import dev.caravan.aws.Backoff;
import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayJobDependency;
import software.amazon.awssdk.services.batch.model.DescribeJobDefinitionsResponse;
import software.amazon.awssdk.services.batch.model.DescribeJobQueuesResponse;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.KeyValuesPair;
import software.amazon.awssdk.services.batch.model.ListJobsRequest;
import software.amazon.awssdk.services.batch.model.ListJobsResponse;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs jobs on AWS Batch through the SDK v2 {@link BatchClient}.
 *
 * <ul>
 *   <li>submit: SubmitJob with a legal job name made from the job's path ({@link JobNames}), queue, definition,
 *   parameters, container overrides, timeout, retry strategy, tags ({@code caravan:job}, {@code caravan:attempt},
 *   {@code caravan:token}, {@code caravan:output:N}) and {@code dependsOn} (at most 20). When every output of the job
 *   is already on S3 nothing is sent and the run id is {@code skipped-<hash>}, which polls as completed.</li>
 *   <li>throttling (429) and server errors (5xx): jittered exponential backoff. A submission whose answer was lost or
 *   was a 5xx is looked up (ListJobs by name, then its token tag) before it is sent again: never twice.</li>
 *   <li>poll: DescribeJobs, 100 ids a call. SUCCEEDED → completed (failed when an output is missing), FAILED →
 *   failed, anything else in flight; an id AWS does not know → unknown.</li>
 *   <li>cancel: CancelJob before STARTING, TerminateJob after.</li>
 * </ul>
 */
public final class AwsBatchBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(AwsBatchBackend.class);

    public static final String SKIPPED_PREFIX = "skipped-";
    public static final String TAG_JOB = "caravan:job";
    public static final String TAG_ATTEMPT = "caravan:attempt";
    public static final String TAG_TOKEN = "caravan:token";
    public static final String TAG_OUTPUT = "caravan:output:";
    public static final int DESCRIBE_CHUNK = 100;
    public static final int MAX_DEPENDS_ON = 20;
    /** How long a lost or 5xx submission waits at least before it is looked up by name. */
    static final Duration LOOKUP_DELAY = Duration.ofMillis(500);
    /** How long a status seen by DescribeJobs is trusted by cancel (a cancel right after a status pass). */
    static final Duration RECENT = Duration.ofSeconds(10);

    private record Seen(JobStatus status, Instant at) {
    }

    private final String envName;
    private final BatchClient batch;
    private final Supplier<S3Outputs> outputs;
    private final BatchJobSpec.Defaults defaults;
    private final Backoff backoff;
    private final Clock clock;
    private final AwsBatchStats stats = new AwsBatchStats();
    private final Map<String, Seen> recent = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables;
    private volatile Set<String> allQueues;

    public AwsBatchBackend(String envName, BatchClient batch, Supplier<S3Outputs> outputs, BatchJobSpec.Defaults defaults,
                           Backoff backoff, Clock clock, List<AutoCloseable> closeables) {
        this.envName = envName;
        this.batch = batch;
        this.outputs = outputs;
        this.defaults = defaults;
        this.backoff = backoff;
        this.clock = clock;
        this.closeables = List.copyOf(closeables);
    }

    public AwsBatchStats stats() {
        return stats;
    }

    public BatchClient client() {
        return batch;
    }

    public S3Outputs outputs() {
        return outputs.get();
    }

    public String envName() {
        return envName;
    }

    public static boolean isSkipped(String runId) {
        return runId.startsWith(SKIPPED_PREFIX);
    }

    @Override
    public boolean chainsRuns() {
        return true;
    }

    @Override
    public int pollBatchSize() {
        return DESCRIBE_CHUNK;
    }

    // --- submit ----------------------------------------------------------------------------------

    @Override
    public String submit(SubmitRequest request) throws BackendException {
        JobRef job = request.job();
        BatchJobSpec spec = spec(job, request.params());
        if (!spec.outputs().isEmpty()) {
            List<String> missing;
            try {
                missing = outputs.get().missing(spec.outputs(), null);
            } catch (SdkException | IllegalArgumentException e) {
                String what = "job " + job.path() + ": cannot check its outputs on S3 (not submitted): ";
                throw e instanceof SdkException s ? failure(what, s)
                        : BackendException.badInput(what + e.getMessage(), e);
            }
            if (missing.isEmpty()) {
                stats.skipped.incrementAndGet();
                String id = SKIPPED_PREFIX + JobNames.hash(request.token(), 16);
                LOG.info("env {}: job {}: every output is on S3; not submitted ({})", envName, job.path(), id);
                return id;
            }
        }
        List<String> deps = request.dependsOn().stream().filter(d -> !isSkipped(d)).toList();
        if (deps.size() > MAX_DEPENDS_ON) {
            throw BackendException.badInput("job " + job.path() + ": runs after " + deps.size()
                    + " jobs in flight; AWS Batch allows at most " + MAX_DEPENDS_ON + " in dependsOn");
        }
        String name = JobNames.of(job);
        SubmitJobRequest req = build(spec, name, request, deps);
        String what = "job " + job.path() + " (AWS Batch job name " + name + ", queue " + spec.queue() + ")";
        for (int attempt = 1; ; attempt++) {
            try {
                stats.submitCalls.incrementAndGet();
                SubmitJobResponse r = batch.submitJob(req);
                stats.submitted.incrementAndGet();
                return r.jobId();
            } catch (SdkException e) {
                AwsErrors kind = AwsErrors.of(e);
                count(kind);
                if (!kind.retryable()) {
                    throw failure(what + ": AWS Batch refused the submission: ", e);
                }
                if (attempt >= backoff.maxAttempts()) {
                    throw BackendException.retryable(what + ": no answer after " + attempt + " attempts ("
                            + AwsErrors.describe(e) + "); the next cycle looks for it on AWS before sending it again", e);
                }
                pause(attempt, kind != AwsErrors.THROTTLED);
                if (kind != AwsErrors.THROTTLED) {
                    // AWS may have taken it: look before sending it again
                    Optional<String> found;
                    try {
                        found = lookup(spec.queue() == null ? List.of() : List.of(spec.queue()), name, request.token());
                    } catch (SdkException lookupFailed) {
                        throw failure(what + ": no answer (" + AwsErrors.describe(e) + "), and looking for the job failed"
                                + " too; the next cycle looks for it on AWS before sending it again: ", lookupFailed);
                    }
                    if (found.isPresent()) {
                        stats.foundAfterLoss.incrementAndGet();
                        LOG.info("env {}: {}: the answer was lost, but AWS has it as {}", envName, what, found.get());
                        return found.get();
                    }
                }
            }
        }
    }

    private SubmitJobRequest build(BatchJobSpec spec, String name, SubmitRequest request, List<String> deps) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_JOB, request.job().path());
        tags.put(TAG_ATTEMPT, Integer.toString(request.attempt()));
        tags.put(TAG_TOKEN, tagToken(request.token()));
        for (int i = 0; i < spec.outputs().size(); i++) {
            tags.put(TAG_OUTPUT + (i + 1), spec.outputs().get(i));
        }
        SubmitJobRequest.Builder b = SubmitJobRequest.builder()
                .jobName(name)
                .jobQueue(spec.queue())
                .jobDefinition(spec.definition())
                .timeout(t -> t.attemptDurationSeconds(spec.attemptDurationSeconds()))
                .retryStrategy(r -> r.attempts(spec.retryAttempts()))
                .tags(tags);
        if (!spec.parameters().isEmpty()) {
            b.parameters(spec.parameters());
        }
        spec.containerOverrides().ifPresent(b::containerOverrides);
        if (!deps.isEmpty()) {
            b.dependsOn(deps.stream().map(d -> JobDependency.builder().jobId(d)
                    .type(ArrayJobDependency.SEQUENTIAL).build()).toList());
        }
        return b.build();
    }

    private BatchJobSpec spec(JobRef job, Map<String, Object> params) throws BackendException {
        try {
            return BatchJobSpec.of(params, defaults);
        } catch (IllegalArgumentException e) {
            throw BackendException.badInput("job " + job.path() + ": params.json: " + e.getMessage());
        }
    }

    /** Tag values take letters, digits, spaces and {@code + - = . _ : / @}: the token's {@code #} becomes {@code @}. */
    static String tagToken(String token) {
        return token.replace('#', '@');
    }

    // --- find a submission again -----------------------------------------------------------------

    @Override
    public Optional<String> findSubmission(SubmitRequest request) throws BackendException {
        List<String> queues = new ArrayList<>();
        Object q = request.params().get("job_queue");
        if (q instanceof String s && !s.isBlank()) {
            queues.add(s);
        } else if (defaults.queue().isPresent()) {
            queues.add(defaults.queue().get());
        }
        try {
            return lookup(queues, JobNames.of(request.job()), request.token());
        } catch (SdkException e) {
            throw failure("job " + request.job().path() + ": cannot look for its submission on AWS Batch: ", e);
        }
    }

    /**
     * The job AWS has under this name with this submission's token, if any. No queue given: every queue of the
     * account (a crash recovery knows only the job, not its params).
     */
    Optional<String> lookup(List<String> queues, String name, String token) {
        List<String> where = queues.isEmpty() ? List.copyOf(queues()) : queues;
        List<JobSummary> candidates = new ArrayList<>();
        for (String queue : where) {
            String next = null;
            do {
                ListJobsRequest.Builder b = ListJobsRequest.builder().jobQueue(queue)
                        .filters(KeyValuesPair.builder().name("JOB_NAME").values(name).build());
                if (next != null) {
                    b.nextToken(next);
                }
                ListJobsResponse r = withRetries("ListJobs", () -> batch.listJobs(b.build()), stats.listJobsCalls);
                candidates.addAll(r.jobSummaryList());
                next = r.nextToken();
            } while (next != null);
        }
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        String tag = tagToken(token);
        List<String> ids = candidates.stream().filter(s -> name.equalsIgnoreCase(s.jobName()))
                .sorted(Comparator.comparing(JobSummary::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .map(JobSummary::jobId).toList();
        for (JobDetail d : describeAll(ids).values()) {
            if (tag.equals(d.tags().get(TAG_TOKEN))) {
                return Optional.of(d.jobId());
            }
        }
        return Optional.empty();
    }

    /** Every job queue of the account and region (cached: queues come and go rarely). */
    public Set<String> queues() {
        Set<String> q = allQueues;
        if (q == null) {
            Set<String> names = new LinkedHashSet<>();
            String next = null;
            do {
                String token = next;
                DescribeJobQueuesResponse r = withRetries("DescribeJobQueues",
                        () -> batch.describeJobQueues(b -> b.nextToken(token)), null);
                r.jobQueues().stream().map(JobQueueDetail::jobQueueName).forEach(names::add);
                next = r.nextToken();
            } while (next != null);
            q = Set.copyOf(names);
            allQueues = q;
        }
        return q;
    }

    /** Of these queue names or ARNs, those AWS does not have. */
    public Set<String> missingQueues(Collection<String> wanted) {
        allQueues = null;
        Set<String> have = queues();
        Set<String> out = new LinkedHashSet<>();
        for (String w : wanted) {
            String n = w.startsWith("arn:") ? w.substring(w.lastIndexOf('/') + 1) : w;
            if (!have.contains(n)) {
                out.add(w);
            }
        }
        return out;
    }

    /** Of these job definitions ({@code name}, {@code name:revision} or an ARN), those AWS does not have (active). */
    public Set<String> missingJobDefinitions(Collection<String> wanted) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : new LinkedHashSet<>(wanted)) {
            String n = w.startsWith("arn:") ? w.substring(w.lastIndexOf('/') + 1) : w;
            String base = n.contains(":") ? n.substring(0, n.indexOf(':')) : n;
            DescribeJobDefinitionsResponse r = withRetries("DescribeJobDefinitions",
                    () -> batch.describeJobDefinitions(b -> b.jobDefinitionName(base).status("ACTIVE")), null);
            boolean found = r.jobDefinitions().stream().anyMatch(d -> matches(d, n));
            if (!found) {
                out.add(w);
            }
        }
        return out;
    }

    private static boolean matches(JobDefinition d, String n) {
        if (!n.contains(":")) {
            return d.jobDefinitionName().equals(n);
        }
        return (d.jobDefinitionName() + ":" + d.revision()).equals(n);
    }

    // --- poll ------------------------------------------------------------------------------------

    @Override
    public Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException {
        Map<String, RunStatus> out = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>();
        for (RunHandle h : runs) {
            if (isSkipped(h.runId())) {
                out.put(h.runId(), RunStatus.completed("every output was already on S3: not submitted"));
            } else {
                ids.add(h.runId());
            }
        }
        if (ids.isEmpty()) {
            return out;
        }
        Instant started = clock.instant();
        Map<String, JobDetail> details;
        try {
            details = describeAll(ids);
        } catch (SdkException e) {
            throw failure("env " + envName + ": DescribeJobs failed: ", e);
        }
        for (String id : ids) {
            JobDetail d = details.get(id);
            out.put(id, d == null ? RunStatus.unknown("AWS Batch does not know job " + id
                    + " (it keeps ended jobs for about 7 days)") : status(d, started));
        }
        return out;
    }

    private RunStatus status(JobDetail d, Instant pollStarted) {
        JobStatus st = d.status();
        if (st == JobStatus.SUCCEEDED) {
            List<String> outs = outputsOf(d);
            if (!outs.isEmpty()) {
                try {
                    List<String> missing = outputs.get().missing(outs, pollStarted);
                    if (!missing.isEmpty()) {
                        return RunStatus.failed("AWS Batch job " + d.jobId() + " SUCCEEDED, but outputs are missing: "
                                + String.join(", ", missing));
                    }
                } catch (SdkException | IllegalArgumentException e) {
                    return RunStatus.inFlight("SUCCEEDED; outputs not checked yet: "
                            + (e instanceof SdkException s ? AwsErrors.describe(s) : e.getMessage()));
                }
            }
            return RunStatus.completed("AWS Batch job " + d.jobId() + " SUCCEEDED");
        }
        if (st == JobStatus.FAILED) {
            StringBuilder sb = new StringBuilder("AWS Batch job ").append(d.jobId()).append(" FAILED");
            if (d.statusReason() != null) {
                sb.append(": ").append(d.statusReason());
            }
            if (d.container() != null) {
                if (d.container().exitCode() != null) {
                    sb.append("; exit ").append(d.container().exitCode());
                }
                if (d.container().reason() != null) {
                    sb.append("; ").append(d.container().reason());
                }
            }
            return RunStatus.failed(sb.toString());
        }
        return RunStatus.inFlight(st == null ? "unknown AWS status" : st.toString());
    }

    static List<String> outputsOf(JobDetail d) {
        Map<Integer, String> byIndex = new TreeMap<>();
        d.tags().forEach((k, v) -> {
            if (k.startsWith(TAG_OUTPUT)) {
                try {
                    byIndex.put(Integer.parseInt(k.substring(TAG_OUTPUT.length())), v);
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        });
        return List.copyOf(byIndex.values());
    }

    /** How many DescribeJobs calls a status pass over many jobs makes side by side. */
    static final int DESCRIBE_PARALLEL = 8;

    /**
     * DescribeJobs for any number of ids, 100 a call (one call per 100 ids, no more), each call retried on throttling
     * and server errors; more than 100 ids: up to {@value #DESCRIBE_PARALLEL} calls side by side.
     */
    public Map<String, JobDetail> describeAll(List<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += DESCRIBE_CHUNK) {
            chunks.add(List.copyOf(ids.subList(i, Math.min(ids.size(), i + DESCRIBE_CHUNK))));
        }
        List<List<JobDetail>> answers;
        if (chunks.size() <= 1) {
            answers = chunks.stream().map(this::describeChunk).toList();
        } else {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                    Math.min(DESCRIBE_PARALLEL, chunks.size()));
            try {
                List<java.util.concurrent.Future<List<JobDetail>>> fs = new ArrayList<>();
                for (List<String> c : chunks) {
                    fs.add(pool.submit(() -> describeChunk(c)));
                }
                answers = new ArrayList<>();
                for (java.util.concurrent.Future<List<JobDetail>> f : fs) {
                    answers.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw software.amazon.awssdk.core.exception.SdkClientException.create("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw software.amazon.awssdk.core.exception.SdkClientException.create(String.valueOf(e.getCause()), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        Map<String, JobDetail> out = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (List<JobDetail> jobs : answers) {
            for (JobDetail d : jobs) {
                out.put(d.jobId(), d);
                if (d.status() != null) {
                    recent.put(d.jobId(), new Seen(d.status(), now));
                }
            }
        }
        return out;
    }

    private List<JobDetail> describeChunk(List<String> chunk) {
        return withRetries("DescribeJobs", () -> batch.describeJobs(b -> b.jobs(chunk)), stats.describeCalls).jobs();
    }

    /** Every job of a queue in the given statuses (ListJobs, every page). */
    public List<JobSummary> listQueue(String queue, Collection<JobStatus> statuses) {
        List<JobSummary> out = new ArrayList<>();
        for (JobStatus st : statuses) {
            String next = null;
            do {
                ListJobsRequest.Builder b = ListJobsRequest.builder().jobQueue(queue).jobStatus(st);
                if (next != null) {
                    b.nextToken(next);
                }
                ListJobsResponse r = withRetries("ListJobs", () -> batch.listJobs(b.build()), stats.listJobsCalls);
                // some emulators ignore jobStatus: keep only what was asked for
                r.jobSummaryList().stream().filter(s -> s.status() == null || s.status() == st).forEach(out::add);
                // a cancel right after the listing needs no DescribeJobs of its own
                Instant now = clock.instant();
                r.jobSummaryList().stream().filter(s -> s.status() == st).forEach(s -> recent.put(s.jobId(), new Seen(st, now)));
                next = r.nextToken();
            } while (next != null);
        }
        return out;
    }

    // --- cancel ----------------------------------------------------------------------------------

    @Override
    public void cancel(RunHandle run, String reason) throws BackendException {
        String what = "job " + run.job().path() + ": AWS Batch job " + run.runId();
        if (isSkipped(run.runId())) {
            LOG.info("env {}: {} was never submitted (outputs existed); nothing to cancel", envName, what);
            return;
        }
        cancelJob(run.runId(), what, reason);
    }

    /**
     * Cancels any AWS Batch job of this environment's account, Caravan's or not (a queue cleared as a whole): CancelJob
     * before STARTING, TerminateJob after, each call with its retries.
     *
     * @param what names the job in the log and the error
     */
    public void cancelJob(String jobId, String what, String reason) throws BackendException {
        String why = reason == null || reason.isBlank() ? "cancelled by Caravan" : reason.strip();
        try {
            JobStatus st = statusOf(jobId);
            if (st == null) {
                throw BackendException.badInput(what + " cannot be cancelled: AWS Batch does not know it");
            }
            switch (st) {
                case SUBMITTED, PENDING, RUNNABLE -> {
                    withRetries("CancelJob", () -> batch.cancelJob(b -> b.jobId(jobId).reason(why)), stats.cancelCalls);
                    LOG.info("env {}: cancelled {} ({}): {}", envName, what, st, why);
                }
                case STARTING, RUNNING -> {
                    withRetries("TerminateJob", () -> batch.terminateJob(b -> b.jobId(jobId).reason(why)),
                            stats.terminateCalls);
                    LOG.info("env {}: terminated {} ({}): {}", envName, what, st, why);
                }
                default -> LOG.info("env {}: {} already ended ({}); nothing to cancel", envName, what, st);
            }
            recent.remove(jobId);
        } catch (SdkException e) {
            throw failure(what + " could not be cancelled: ", e);
        }
    }

    private JobStatus statusOf(String id) {
        Seen s = recent.get(id);
        if (s != null && s.at().plus(RECENT).isAfter(clock.instant())) {
            return s.status();
        }
        JobDetail d = describeAll(List.of(id)).get(id);
        return d == null ? null : d.status();
    }

    // --- plumbing --------------------------------------------------------------------------------

    /** One AWS call with backoff on throttling, 5xx and lost answers (reads only: safe to repeat). */
    private <T> T withRetries(String call, Supplier<T> fn, java.util.concurrent.atomic.AtomicLong counter) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (counter != null) {
                    counter.incrementAndGet();
                }
                return fn.get();
            } catch (SdkException e) {
                AwsErrors kind = AwsErrors.of(e);
                count(kind);
                if (!kind.retryable() || attempt >= backoff.maxAttempts()) {
                    throw e;
                }
                try {
                    pause(attempt, false);
                } catch (BackendException ie) {
                    throw e;
                }
                LOG.debug("env {}: {} answered {}; attempt {}", envName, call, kind, attempt + 1);
            }
        }
    }

    /**
     * An AWS failure as a backend failure, {@code prefix} followed by AWS's code and message: refused credentials
     * (and any 401 or 403, which Batch answers only for authentication and authorization) are CRITICAL, another
     * client error is BAD_INPUT, throttling, 5xx and lost answers are RETRYABLE.
     */
    static BackendException failure(String prefix, SdkException e) {
        AwsErrors kind = AwsErrors.of(e);
        int status = e instanceof AwsServiceException a ? a.statusCode() : 0;
        BackendException.Kind k = kind == AwsErrors.CREDENTIALS || status == 401 || status == 403
                ? BackendException.Kind.CRITICAL
                : kind == AwsErrors.CLIENT ? BackendException.Kind.BAD_INPUT : BackendException.Kind.RETRYABLE;
        return new BackendException(prefix + AwsErrors.describe(e), e, k);
    }

    private void count(AwsErrors kind) {
        switch (kind) {
            case THROTTLED -> stats.throttled.incrementAndGet();
            case SERVER -> stats.serverErrors.incrementAndGet();
            case LOST -> stats.lostAnswers.incrementAndGet();
            default -> {
            }
        }
    }

    private void pause(int attempt, boolean beforeLookup) throws BackendException {
        try {
            backoff.pause(attempt);
            if (beforeLookup) {
                backoff.sleep(LOOKUP_DELAY.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BackendException.retryable("env " + envName + ": interrupted while waiting to retry", e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing an AWS client: {}", e.getMessage());
            }
        }
    }
}
