package dev.caravan.backend.wes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GA4GH WES or ICGC-ARGO RDPC endpoint as a Caravan backend (see {@link WesBackendFactory} for the settings).
 *
 * <ul>
 *   <li><b>submit</b>: {@code POST <url>/runs}; workflow_params = the job's params.json plus {@code api_token} (in
 *   memory only); tags {@code caravan_job}, {@code caravan_token}, {@code caravan_attempt}; engine parameters
 *   {@code revision}, {@code offline}, and launch/project/work directories under one of {@code nfs-root-paths}, taken
 *   round-robin over the environment's submissions. A failed earlier run of the same job on this environment that had
 *   a Nextflow session is resumed: {@code resume} = its session id, and its very directories.</li>
 *   <li><b>lost answers</b>: after a timeout, a dropped connection or a 5xx on {@code POST /runs}, the run may exist;
 *   before sending again, the runs are listed (paging) and matched on the {@code caravan_token} tag.
 *   {@link #findSubmission} does the same lookup.</li>
 *   <li><b>poll</b>: GA4GH: {@code GET /runs/{id}/status} per run, and {@code GET /runs/{id}} for failed runs only
 *   (their error text). ARGO: one GraphQL request per batch of up to {@value #ARGO_BATCH} runs.</li>
 * </ul>
 */
final class WesBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(WesBackend.class);

    static final String TAG_JOB = "caravan_job";
    static final String TAG_TOKEN = "caravan_token";
    static final String TAG_ATTEMPT = "caravan_attempt";
    static final String API_TOKEN_PARAM = "api_token";
    static final int ARGO_BATCH = 100;
    static final int PAGE_SIZE = 100;
    static final int MAX_PAGES = 100_000;
    static final Duration HEALTH_CACHE = Duration.ofSeconds(30);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);

    private final WesSettings s;
    private final BackendContext context;
    private final WesClient client;
    private final AtomicInteger nextRoot = new AtomicInteger();

    private Instant healthAt;
    private Optional<String> health = Optional.empty();

    WesBackend(WesSettings settings, BackendContext context, Duration backoffBase) {
        this.s = settings;
        this.context = context;
        Transport transport = new Transport(settings.timeout(), backoffBase);
        TokenSource tokens = settings.tokenUrl().isPresent() ? new TokenSource(settings, transport, context.clock()) : null;
        this.client = new WesClient(settings.env(), transport, tokens, settings.retries());
    }

    @Override
    public int pollBatchSize() {
        return s.dialect() == Dialect.ARGO ? ARGO_BATCH : Integer.MAX_VALUE;
    }

    // --- submit ----------------------------------------------------------------------------------

    /** How a submission starts: fresh directories, or the failed run's directories and its session. */
    record Launch(RunInfo.Dirs dirs, Optional<String> resume, String why) {
    }

    @Override
    public String submit(SubmitRequest request) throws BackendException {
        JobRef job = request.job();
        Launch launch = plan(request);
        HttpRequest.Builder post = s.dialect() == Dialect.ARGO ? argoPost(request, launch) : ga4ghPost(request, launch);
        String what = "env " + s.env() + ": job " + job.path() + ": POST " + s.wes("runs");
        boolean mayExist = false;
        for (int attempt = 1; ; attempt++) {
            if (mayExist) {
                Optional<String> found = findByToken(request.token(), what);
                if (found.isPresent()) {
                    requireMarkable(found.get(), job);
                    LOG.info("env {}: job {}: the answer to the submission was lost, but WES has it as run {};"
                            + " not submitting again", s.env(), job.path(), found.get());
                    return found.get();
                }
            }
            Transport.Reply reply;
            try {
                reply = client.once(post, what);
            } catch (Transport.Transient t) {
                mayExist |= t.mayHaveArrived();
                if (attempt > s.retries()) {
                    throw BackendException.retryable(t.getMessage() + (s.retries() > 0 ? " (tried " + attempt + " times)" : "")
                            + (mayExist ? "; the run may exist and is looked up by its tag next cycle" : ""));
                }
                LOG.warn("{}; trying again{}", t.getMessage(), t.mayHaveArrived() ? " after looking the run up by its tag" : "");
                client.transport().backoff(attempt, what, t.retryAfter());
                continue;
            }
            if (!reply.ok()) {
                throw reply.failure("job " + job.path() + ": the WES of env " + s.env() + " refused the run (HTTP "
                        + reply.status() + Texts.errorSuffix(reply.body()) + ")");
            }
            String runId = runIdOf(reply.body());
            if (runId.isEmpty()) {
                throw BackendException.retryable("job " + job.path() + ": the WES of env " + s.env() + " accepted the run but"
                        + " answered without a run_id; it is looked up by its tag next cycle");
            }
            requireMarkable(runId, job);
            LOG.debug("env {}: submitted job {} as WES run {} ({})", s.env(), job.path(), runId, launch.why());
            return runId;
        }
    }

    /** Resume the failed run's Nextflow session in its directories, or start fresh. */
    private Launch plan(SubmitRequest request) throws BackendException {
        Optional<RunMarker> prev = request.previousRun();
        if (prev.isEmpty() || !prev.get().env().equals(s.env())) {
            return fresh(request, prev.isEmpty() ? "first run" : "the previous run was on env " + prev.get().env());
        }
        String prevId = prev.get().runId();
        Optional<RunInfo> info = runInfo(prevId, "env " + s.env() + ": job " + request.job().path()
                + ": previous run " + prevId);
        if (info.isEmpty()) {
            return fresh(request, "previous run " + prevId + " is unknown to the WES");
        }
        RunInfo i = info.get();
        if (!i.failed()) {
            return fresh(request, "previous run " + prevId + " is " + RunInfo.normal(i.state()) + ", not failed");
        }
        Optional<String> session = i.resumableSession();
        if (session.isEmpty()) {
            return fresh(request, "previous run " + prevId + " never launched (no Nextflow session)");
        }
        return new Launch(i.dirs(), session, "resuming session " + session.get() + " of run " + prevId + " in "
                + i.dirs());
    }

    private Launch fresh(SubmitRequest request, String why) {
        List<String> roots = s.nfsRootPaths();
        if (roots.isEmpty()) {
            return new Launch(RunInfo.Dirs.NONE, Optional.empty(), "fresh: " + why);
        }
        String root = roots.get(Math.floorMod(nextRoot.getAndIncrement(), roots.size()));
        JobRef j = request.job();
        String tail = j.group() + "/" + j.batch() + "/" + j.jobId() + "/" + attemptKey(request);
        RunInfo.Dirs dirs = new RunInfo.Dirs(root + "/launch/" + tail, root + "/project/" + tail, root + "/work/" + tail);
        return new Launch(dirs, Optional.empty(), "fresh in " + root + ": " + why);
    }

    /** {@code 2-1a2b3c4d} from the token {@code group/batch/job#2-1a2b3c4d}: unique per submission. */
    static String attemptKey(SubmitRequest r) {
        String t = r.token();
        int hash = t.lastIndexOf('#');
        String key = (hash >= 0 ? t.substring(hash + 1) : "attempt-" + r.attempt()).replaceAll("[^A-Za-z0-9._-]", "_");
        return key.isEmpty() || key.startsWith(".") ? "attempt-" + r.attempt() : key;
    }

    private ObjectNode workflowParams(SubmitRequest request) {
        ObjectNode params = Texts.JSON.valueToTree(request.params());
        if (!s.apiToken().isEmpty()) {
            params.put(API_TOKEN_PARAM, s.apiToken()); // in memory only: never written, never logged
        }
        return params;
    }

    private Map<String, String> tags(SubmitRequest request) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_JOB, request.job().path());
        tags.put(TAG_TOKEN, request.token());
        tags.put(TAG_ATTEMPT, Integer.toString(request.attempt()));
        return tags;
    }

    private HttpRequest.Builder ga4ghPost(SubmitRequest request, Launch launch) throws BackendException {
        Map<String, String> engine = new LinkedHashMap<>(launch.dirs().asParams());
        s.workflowVersion().ifPresent(v -> engine.put("revision", v));
        s.offline().ifPresent(v -> engine.put("offline", v.toString()));
        launch.resume().ifPresent(v -> engine.put("resume", v));
        Multipart form = new Multipart();
        form.field("workflow_params", json(workflowParams(request), request.job()));
        form.field("workflow_type", s.workflowType());
        form.field("workflow_type_version", s.workflowTypeVersion());
        form.field("tags", json(Texts.JSON.valueToTree(tags(request)), request.job()));
        form.field("workflow_engine_parameters", json(Texts.JSON.valueToTree(engine), request.job()));
        form.field("workflow_url", s.workflowUrl());
        return HttpRequest.newBuilder(s.wes("runs"))
                .timeout(s.timeout())
                .header("Accept", "application/json")
                .header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes()));
    }

    private HttpRequest.Builder argoPost(SubmitRequest request, Launch launch) throws BackendException {
        ObjectNode body = Texts.JSON.createObjectNode();
        body.put("workflow_url", s.workflowUrl());
        body.set("workflow_params", workflowParams(request));
        ObjectNode engine = body.putObject("workflow_engine_params");
        launch.dirs().asParams().forEach(engine::put);
        s.workflowVersion().ifPresent(v -> engine.put("revision", v));
        s.offline().ifPresent(v -> engine.put("offline", v));
        launch.resume().ifPresent(v -> engine.put("resume", v));
        body.set("tags", Texts.JSON.valueToTree(tags(request)));
        return HttpRequest.newBuilder(s.wes("runs"))
                .timeout(s.timeout())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body, request.job()), StandardCharsets.UTF_8));
    }

    private static String json(JsonNode node, JobRef job) throws BackendException {
        try {
            return Texts.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw BackendException.badInput("job " + job.path() + ": its params cannot be written as JSON");
        }
    }

    private static String runIdOf(String body) {
        try {
            JsonNode n = Texts.JSON.readTree(body);
            return n == null ? "" : Texts.text(n, "run_id").trim();
        } catch (Exception e) {
            return "";
        }
    }

    // --- find again ------------------------------------------------------------------------------

    @Override
    public Optional<String> findSubmission(SubmitRequest request) throws BackendException {
        Optional<String> found = findByToken(request.token(), "env " + s.env() + ": job " + request.job().path()
                + ": looking up its submission");
        if (found.isPresent()) {
            requireMarkable(found.get(), request.job());
        }
        return found;
    }

    /** The run id becomes a file name {@code run.<epoch>.<env>.<run_id>}; one that cannot is refused loudly. */
    private void requireMarkable(String runId, JobRef job) throws BackendException {
        try {
            new RunMarker(0, s.env(), runId);
        } catch (IllegalArgumentException e) {
            throw BackendException.badInput("job " + job.path() + ": the WES of env " + s.env() + " named its run '"
                    + Texts.clean(runId, 120) + "', which cannot be recorded as a run marker; cancel that run on the"
                    + " server and release the job again");
        }
    }

    /**
     * Lists runs page by page until an empty or absent {@code next_page_token}, matching the {@code caravan_token}
     * tag; a listing entry without tags is matched on its run log's {@code request.tags}.
     */
    private Optional<String> findByToken(String token, String what) throws BackendException {
        String pageToken = null;
        Set<String> seen = new HashSet<>();
        for (int page = 0; page < MAX_PAGES; page++) {
            String query = "page_size=" + PAGE_SIZE + (pageToken == null ? "" : "&page_token=" + enc(pageToken));
            URI uri = URI.create(s.wes("runs") + "?" + query);
            Transport.Reply reply = client.send(get(uri), what + ": GET " + s.wes("runs"));
            if (!reply.ok()) {
                throw reply.failure(what + ": listing runs failed (HTTP " + reply.status()
                        + Texts.errorSuffix(reply.body()) + ")");
            }
            JsonNode list = parse(reply.body(), what + ": the run list");
            JsonNode runs = list.get("runs");
            if (runs != null && runs.isArray()) {
                for (JsonNode r : runs) {
                    String runId = Texts.text(r, "run_id");
                    if (runId.isEmpty()) {
                        continue;
                    }
                    JsonNode tags = r.get("tags");
                    if (tags == null || tags.isNull()) {
                        tags = tagsFromLog(runId, what);
                    }
                    if (token.equals(Texts.text(RunLogs.object(tags), TAG_TOKEN))) {
                        return Optional.of(runId);
                    }
                }
            }
            JsonNode next = list.get("next_page_token");
            String nextToken = next == null || next.isNull() || !next.isValueNode() ? "" : next.asText().trim();
            if (nextToken.isEmpty()) {
                return Optional.empty();
            }
            if (!seen.add(nextToken)) {
                LOG.warn("{}: the WES handed out page token '{}' twice; stopping the listing", what,
                        Texts.clean(nextToken, 60));
                return Optional.empty();
            }
            pageToken = nextToken;
        }
        throw BackendException.retryable(what + ": the run list did not end after " + MAX_PAGES + " pages");
    }

    private JsonNode tagsFromLog(String runId, String what) throws BackendException {
        Transport.Reply reply = client.send(get(runUri(runId, "")), what + ": GET run " + runId);
        if (!reply.ok()) {
            return Texts.JSON.createObjectNode();
        }
        return RunLogs.ga4ghTags(parse(reply.body(), what + ": run " + runId));
    }

    // --- poll ------------------------------------------------------------------------------------

    @Override
    public Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException {
        if (runs.isEmpty()) {
            return Map.of();
        }
        return s.dialect() == Dialect.ARGO ? pollArgo(List.copyOf(runs)) : pollGa4gh(runs);
    }

    private Map<String, RunStatus> pollGa4gh(Collection<RunHandle> runs) throws BackendException {
        Map<String, RunStatus> out = new LinkedHashMap<>();
        for (RunHandle h : runs) {
            String what = "env " + s.env() + ": job " + h.job().path() + ": run " + h.runId();
            Transport.Reply reply = client.send(get(runUri(h.runId(), "/status")), what);
            if (reply.status() == 404) {
                out.put(h.runId(), RunStatus.unknown("the WES of env " + s.env() + " has no run " + h.runId()
                        + " (HTTP 404)"));
                continue;
            }
            if (!reply.ok()) {
                out.put(h.runId(), RunStatus.unknown("the WES answered HTTP " + reply.status()
                        + Texts.errorSuffix(reply.body())));
                continue;
            }
            JsonNode status;
            try {
                status = parse(reply.body(), what + ": status");
            } catch (BackendException e) {
                out.put(h.runId(), RunStatus.unknown(e.getMessage()));
                continue;
            }
            String state = Texts.text(status, "state");
            String errorText = RunInfo.FAILED.contains(RunInfo.normal(state)) ? ga4ghErrorText(h, what) : "";
            out.put(h.runId(), RunInfo.status(state, errorText));
        }
        return out;
    }

    /** Best effort: a failed run's log for its error text; only a critical failure (credentials) propagates. */
    private String ga4ghErrorText(RunHandle h, String what) throws BackendException {
        try {
            Transport.Reply reply = client.send(get(runUri(h.runId(), "")), what + ": run log");
            if (!reply.ok()) {
                return "";
            }
            return RunLogs.ga4gh(h.runId(), parse(reply.body(), what + ": run log")).errorText();
        } catch (BackendException e) {
            if (e.isCritical()) {
                throw e;
            }
            LOG.warn("{}: failed, and its run log could not be read: {}", what, e.getMessage());
            return "";
        }
    }

    private Map<String, RunStatus> pollArgo(List<RunHandle> runs) throws BackendException {
        Map<String, RunStatus> out = new LinkedHashMap<>();
        for (int from = 0; from < runs.size(); from += ARGO_BATCH) {
            List<RunHandle> batch = runs.subList(from, Math.min(runs.size(), from + ARGO_BATCH));
            List<String> ids = batch.stream().map(RunHandle::runId).toList();
            Map<String, Optional<RunInfo>> infos = argoRuns(ids, "env " + s.env() + ": GraphQL " + s.graphqlUrl().orElseThrow()
                    + " (" + ids.size() + " runs)");
            for (String id : ids) {
                Optional<RunInfo> info = infos.getOrDefault(id, Optional.empty());
                out.put(id, info.map(i -> RunInfo.status(i.state(), i.errorText()))
                        .orElseGet(() -> RunStatus.unknown("RDPC of env " + s.env() + " has no run " + id)));
            }
        }
        return out;
    }

    /** One GraphQL request for all {@code ids}; empty for a run the server does not know. */
    private Map<String, Optional<RunInfo>> argoRuns(List<String> ids, String what) throws BackendException {
        URI uri = s.graphqlUrl().orElseThrow();
        String body;
        try {
            body = Texts.JSON.writeValueAsString(ArgoGraphql.request(ids));
        } catch (JsonProcessingException e) {
            throw BackendException.badInput(what + ": cannot write the query");
        }
        HttpRequest.Builder post = HttpRequest.newBuilder(uri)
                .timeout(s.timeout())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        Transport.Reply reply = client.send(post, what);
        if (!reply.ok()) {
            throw reply.failure(what + ": HTTP " + reply.status() + Texts.errorSuffix(reply.body()));
        }
        JsonNode answer = parse(reply.body(), what);
        JsonNode data = answer.get("data");
        if (data == null || !data.isObject()) {
            throw BackendException.retryable(what + ": no data" + (answer.has("errors")
                    ? ", errors: " + Texts.describe(answer.get("errors"), 300) : ""));
        }
        if (answer.has("errors")) {
            LOG.warn("{}: the answer carries errors: {}", what, Texts.describe(answer.get("errors"), 300));
        }
        Map<String, Optional<RunInfo>> out = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            out.put(id, ArgoGraphql.run(data, i, id).map(r -> RunLogs.argo(id, r)));
        }
        return out;
    }

    /** A run's state, session and directories; empty when the server does not know it. */
    private Optional<RunInfo> runInfo(String runId, String what) throws BackendException {
        if (s.dialect() == Dialect.ARGO) {
            return argoRuns(List.of(runId), what).getOrDefault(runId, Optional.empty());
        }
        Transport.Reply reply = client.send(get(runUri(runId, "")), what);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw reply.failure(what + ": HTTP " + reply.status() + Texts.errorSuffix(reply.body()));
        }
        return Optional.of(RunLogs.ga4gh(runId, parse(reply.body(), what)));
    }

    // --- cancel, health --------------------------------------------------------------------------

    @Override
    public void cancel(RunHandle run, String reason) throws BackendException {
        String what = "env " + s.env() + ": job " + run.job().path() + ": cancel run " + run.runId();
        HttpRequest.Builder post = HttpRequest.newBuilder(runUri(run.runId(), "/cancel"))
                .timeout(s.timeout())
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody());
        Transport.Reply reply = client.send(post, what);
        if (reply.status() == 404) {
            throw reply.failure(what + ": the WES has no such run (HTTP 404)");
        }
        if (!reply.ok()) {
            throw reply.failure(what + ": HTTP " + reply.status() + Texts.errorSuffix(reply.body()));
        }
        LOG.info("{}: asked to cancel ({})", what, Texts.clean(reason == null ? "no reason given" : reason, 200));
    }

    /** {@code GET <url>/service-info} without fetching a token (a cached one is sent); remembered for 30 s. Never throws. */
    @Override
    public synchronized Optional<String> healthProblem() {
        Instant now = context.clock().instant();
        if (healthAt != null && now.isBefore(healthAt.plus(HEALTH_CACHE))) {
            return health;
        }
        health = probe();
        healthAt = now;
        return health;
    }

    private Optional<String> probe() {
        String what = "env " + s.env() + ": GET " + s.wes("service-info");
        try {
            Duration t = s.timeout().compareTo(HEALTH_TIMEOUT) < 0 ? s.timeout() : HEALTH_TIMEOUT;
            Transport.Reply r = client.probe(HttpRequest.newBuilder(s.wes("service-info")).timeout(t)
                    .header("Accept", "application/json").GET(), what);
            // 401/403: the service answers; credentials are checked when there is work
            if (r.ok() || r.status() == 401 || r.status() == 403) {
                return Optional.empty();
            }
            return Optional.of(what + ": HTTP " + r.status() + Texts.errorSuffix(r.body()));
        } catch (Transport.Transient t) {
            return Optional.of(t.getMessage());
        } catch (BackendException | RuntimeException e) {
            return Optional.of(what + ": " + Texts.clean(String.valueOf(e.getMessage()), 200));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    private HttpRequest.Builder get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(s.timeout()).header("Accept", "application/json").GET();
    }

    private URI runUri(String runId, String suffix) {
        return URI.create(s.wes("runs") + "/" + pathSegment(runId) + suffix);
    }

    private static JsonNode parse(String body, String what) throws BackendException {
        try {
            JsonNode n = Texts.JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw BackendException.retryable(what + ": the answer is not a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw BackendException.retryable(what + ": the answer is not JSON");
        }
    }

    static String pathSegment(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~:@".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
