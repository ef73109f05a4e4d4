package dev.caravan.backend.flywheel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.RunMarker;
import dev.caravan.model.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code flywheel} backend: a run is a Flywheel job, its id the run id.
 *
 * <ul>
 *   <li><b>Submit</b> adds a job ({@code POST /api/jobs/add}) from the job's params.json (see
 *   {@link #body}), tagged {@code caravan-<hash of the submission token>} so that {@link #findSubmission}
 *   can tell whether a lost request arrived. A job whose newest earlier run on this environment ended
 *   {@code failed} or {@code cancelled} is retried instead ({@code POST /api/jobs/{id}/retry} on that
 *   run's newest attempt), so Flywheel keeps the line of attempts.</li>
 *   <li><b>States</b>: {@code complete} is completed; {@code failed} and {@code cancelled} are failed;
 *   {@code pending} and {@code running} are in flight. A job Flywheel retried by itself ({@code retried}
 *   set, a new job with {@code previous_job_id}) is followed to its newest attempt, at most
 *   {@value #MAX_FOLLOW} times; the newest attempt is remembered, so a running job costs one
 *   {@code GET /api/jobs/{id}} per poll. A {@code failed} job is given {@code auto-retry-grace} after its
 *   failure before it counts as failed, because Flywheel may still retry it (the NACC gear waited 5 s).</li>
 * </ul>
 */
public final class FlywheelBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(FlywheelBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Flywheel's own retries followed for one run, as the NACC gear did. */
    public static final int MAX_FOLLOW = 3;
    /** How far a crash-recovery lookup walks a line of attempts. */
    private static final int MAX_CHAIN = 10;
    private static final Duration GEAR_CACHE = Duration.ofMinutes(10);
    public static final String TAG_PREFIX = "caravan-";

    /** The newest attempt of a run, and how many of Flywheel's retries led there. */
    private record Attempt(String jobId, int hops) {
    }

    private record CachedGear(FlywheelClient.Gear gear, Instant at) {
    }

    private final String env;
    private final FlywheelClient client;
    private final Duration grace;
    private final Clock clock;
    private final Map<String, Attempt> newest = new ConcurrentHashMap<>();
    private final Map<String, CachedGear> gears = new ConcurrentHashMap<>();

    public FlywheelBackend(String env, FlywheelClient client, Duration autoRetryGrace, Clock clock) {
        this.env = env;
        this.client = client;
        this.grace = autoRetryGrace;
        this.clock = clock;
    }

    public FlywheelClient client() {
        return client;
    }

    // --- submit ------------------------------------------------------------------------------

    /** Failures name the job: Flywheel's own words say which request it refused, not for which job. */
    @Override
    public String submit(SubmitRequest request) throws BackendException {
        try {
            return retryOrAdd(request);
        } catch (BackendException e) {
            throw new BackendException("job " + request.job().path() + ": " + e.getMessage(), e, e.kind());
        }
    }

    private String retryOrAdd(SubmitRequest request) throws BackendException {
        Optional<RunMarker> prev = request.previousRun().filter(r -> r.env().equals(env));
        if (request.attempt() > 1 && prev.isPresent()) {
            Optional<FlywheelJob> last = newestAttempt(prev.get().runId());
            if (last.isPresent() && last.get().unsuccessful()) {
                String id = client.retry(last.get().id());
                LOG.debug("env {}: retried Flywheel job {} of {} as job {}", env, last.get().id(), request.job(), id);
                return id;
            }
        }
        String id = client.addJob(body(request));
        LOG.debug("env {}: added Flywheel job {} for {}", env, id, request.job());
        return id;
    }

    @Override
    public Optional<String> findSubmission(SubmitRequest request) throws BackendException {
        List<FlywheelJob> tagged = client.findJobs("tags=" + tag(request.token()), "created:desc", 1);
        if (!tagged.isEmpty()) {
            return Optional.of(tagged.get(0).id());
        }
        Optional<RunMarker> prev = request.previousRun().filter(r -> r.env().equals(env));
        if (request.attempt() > 1 && prev.isPresent()) {
            // a retry carries the tags of the job it retries, not ours: a live newer attempt is the one we made
            Optional<FlywheelJob> last = newestAttempt(prev.get().runId());
            if (last.isPresent() && last.get().inFlight() && !last.get().id().equals(prev.get().runId())) {
                return Optional.of(last.get().id());
            }
        }
        return Optional.empty();
    }

    /**
     * The job to add, from params.json:
     * <ul>
     *   <li>{@code gear_id}, or {@code gear_name} for the newest version of that gear;</li>
     *   <li>{@code config}: the gear's config (default {@code {}});</li>
     *   <li>{@code inputs}: input name → a file reference {@code {"type","id","name"}}, or a file name that is
     *   looked up on the project {@code source_project_id};</li>
     *   <li>{@code destination} {@code {"type","id"}}, else the project {@code destination_id}, else
     *   {@code source_project_id};</li>
     *   <li>{@code tags} (strings), to which the submission tag is added; {@code label}, default the job's path.</li>
     * </ul>
     */
    ObjectNode body(SubmitRequest request) throws BackendException {
        JsonNode p = JSON.valueToTree(request.params());
        String where = "params.json";
        ObjectNode body = JSON.createObjectNode();
        String gearId = p.path("gear_id").asText("");
        if (gearId.isEmpty()) {
            String name = p.path("gear_name").asText("");
            if (name.isEmpty()) {
                throw BackendException.badInput(where + ": needs gear_id or gear_name");
            }
            gearId = gear(name).id();
        }
        body.put("gear_id", gearId);
        JsonNode config = p.path("config");
        if (!config.isMissingNode() && !config.isNull() && !config.isObject()) {
            throw BackendException.badInput(where + ": config must be an object");
        }
        body.set("config", config.isObject() ? config : JSON.createObjectNode());
        String source = p.path("source_project_id").asText("");
        ObjectNode inputs = body.putObject("inputs");
        FlywheelClient.Project sourceProject = null;
        for (Map.Entry<String, JsonNode> in : p.path("inputs").properties()) {
            JsonNode v = in.getValue();
            if (v.isObject()) {
                inputs.set(in.getKey(), v);
                continue;
            }
            if (source.isEmpty()) {
                throw BackendException.badInput(where + ": inputs." + in.getKey()
                        + " names a file but there is no source_project_id");
            }
            if (sourceProject == null) {
                sourceProject = client.projectById(source).orElseThrow(() ->
                        BackendException.badInput(where + ": source project " + source + " not found on Flywheel"));
            }
            if (!sourceProject.files().contains(v.asText())) {
                throw BackendException.badInput(where + ": inputs." + in.getKey() + ": project " + sourceProject.path()
                        + " has no file " + v.asText());
            }
            inputs.set(in.getKey(), fileRef(source, v.asText()));
        }
        JsonNode dest = p.path("destination");
        if (dest.isObject()) {
            body.set("destination", dest);
        } else {
            String destId = p.path("destination_id").asText(source);
            if (destId.isEmpty()) {
                throw BackendException.badInput(where + ": needs destination, destination_id or source_project_id");
            }
            body.putObject("destination").put("type", "project").put("id", destId);
        }
        ArrayNode tags = body.putArray("tags");
        p.path("tags").forEach(t -> tags.add(t.asText()));
        tags.add(tag(request.token()));
        body.put("label", p.path("label").asText(request.job().path()));
        return body;
    }

    static ObjectNode fileRef(String projectId, String fileName) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "project").put("id", projectId).put("name", fileName);
        return n;
    }

    private FlywheelClient.Gear gear(String name) throws BackendException {
        CachedGear c = gears.get(name);
        if (c != null && c.at().plus(GEAR_CACHE).isAfter(clock.instant())) {
            return c.gear();
        }
        FlywheelClient.Gear g = client.latestGear(name)
                .orElseThrow(() -> BackendException.badInput("Flywheel has no gear named " + name));
        gears.put(name, new CachedGear(g, clock.instant()));
        return g;
    }

    /** The Flywheel tag that marks one submission: {@code caravan-} and 24 hex digits of its token's SHA-1. */
    public static String tag(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(token.getBytes(StandardCharsets.UTF_8));
            return TAG_PREFIX + HexFormat.of().formatHex(d).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- poll --------------------------------------------------------------------------------

    @Override
    public Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException {
        Map<String, RunStatus> out = new LinkedHashMap<>();
        for (RunHandle h : runs) {
            out.put(h.runId(), status(h.runId()));
        }
        return out;
    }

    private RunStatus status(String runId) throws BackendException {
        Attempt a = newest.getOrDefault(runId, new Attempt(runId, 0));
        Optional<FlywheelJob> found = client.job(a.jobId());
        if (found.isEmpty()) {
            return RunStatus.unknown("Flywheel has no job " + a.jobId());
        }
        FlywheelJob job = found.get();
        while (true) {
            String which = "job " + job.id() + (a.hops() > 0 ? ", after " + a.hops() + " Flywheel retries of " + runId : "");
            if (FlywheelJob.COMPLETE.equals(job.state())) {
                return RunStatus.completed("complete (" + which + ")");
            }
            if (job.inFlight()) {
                return RunStatus.inFlight(job.state() + " (" + which + ")");
            }
            if (!job.unsuccessful()) {
                return RunStatus.unknown("Flywheel state '" + job.state() + "' (" + which + ")");
            }
            if (job.retried()) {
                if (a.hops() >= MAX_FOLLOW) {
                    return RunStatus.failed(job.state() + " (" + which + "; Flywheel retried it again, not followed past "
                            + MAX_FOLLOW + " retries)" + reason(job));
                }
                List<FlywheelJob> next = client.findJobs("previous_job_id=" + job.id(), "created:desc", 1);
                if (next.isEmpty()) {
                    return RunStatus.failed(job.state() + " (" + which + "; Flywheel says it retried it but has no job with"
                            + " previous_job_id " + job.id() + ")" + reason(job));
                }
                a = new Attempt(next.get(0).id(), a.hops() + 1);
                newest.put(runId, a);
                job = next.get(0);
                continue;
            }
            if (FlywheelJob.FAILED.equals(job.state()) && job.failedAt().isPresent()
                    && job.failedAt().get().plus(grace).isAfter(clock.instant())) {
                return RunStatus.inFlight("failed at " + job.failedAt().get() + " (" + which + "); waiting "
                        + grace.toSeconds() + " s to see whether Flywheel retries it");
            }
            return RunStatus.failed(job.state() + " (" + which + ")" + reason(job));
        }
    }

    private static String reason(FlywheelJob job) {
        return job.failureReason().map(r -> ": " + r).orElse("");
    }

    /** Walks Flywheel's line of attempts from {@code jobId} to the newest (for retries and crash recovery). */
    private Optional<FlywheelJob> newestAttempt(String jobId) throws BackendException {
        Attempt cached = newest.get(jobId);
        Optional<FlywheelJob> job = client.job(cached != null ? cached.jobId() : jobId);
        for (int i = 0; i < MAX_CHAIN && job.isPresent() && job.get().retried(); i++) {
            List<FlywheelJob> next = client.findJobs("previous_job_id=" + job.get().id(), "created:desc", 1);
            if (next.isEmpty()) {
                break;
            }
            job = Optional.of(next.get(0));
        }
        return job;
    }

    /**
     * Cancels the newest attempt while it is pending or running; one that has ended is left as it is, because Flywheel
     * refuses to change an ended job (400 "Cannot mutate a job that is ..."): cancel may be asked again.
     */
    @Override
    public void cancel(RunHandle run, String reason) throws BackendException {
        Attempt a = newest.getOrDefault(run.runId(), new Attempt(run.runId(), 0));
        String what = "job " + run.job().path() + ": Flywheel job " + a.jobId();
        FlywheelJob job = client.job(a.jobId()).orElseThrow(() ->
                BackendException.badInput(what + " cannot be cancelled: Flywheel has no such job"));
        if (!job.inFlight()) {
            LOG.info("env {}: {} is already {}; nothing to cancel", env, what, job.state());
            return;
        }
        try {
            client.cancel(a.jobId());
        } catch (BackendException e) {
            boolean endedMeanwhile = e.kind() == BackendException.Kind.BAD_INPUT
                    && client.job(a.jobId()).map(j -> !j.inFlight()).orElse(false);
            if (!endedMeanwhile) {
                throw new BackendException(what + ": " + e.getMessage(), e, e.kind());
            }
        }
        LOG.info("env {}: cancelled {}: {}", env, what, reason);
    }
}
