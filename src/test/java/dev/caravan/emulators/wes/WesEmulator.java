package dev.caravan.emulators.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An in-process WES on 127.0.0.1 (JDK HttpServer), in one of two dialects:
 * <ul>
 *   <li>{@link Dialect#GA4GH}: WES 1.1.0 under {@value #GA4GH_BASE}: multipart {@code POST /runs}, {@code GET /runs}
 *   (opaque string page tokens, {@code ""} on the last page), {@code GET /runs/{id}}, {@code /status},
 *   {@code POST /runs/{id}/cancel}, {@code GET /service-info}; the session id is in {@code run_log.system_logs}
 *   ({@code "Session ID: <uuid>"}).</li>
 *   <li>{@link Dialect#ARGO}: ICGC-ARGO RDPC under {@value #ARGO_BASE}: JSON {@code POST /runs}, integer page tokens
 *   (none on the last page), and the GraphQL API at {@value #GRAPHQL_PATH}, which enforces RDPC's schema
 *   ({@code runs} returns {@code RunsSearchResult { content: [Run], info }}) and answers as RDPC's Apollo server does:
 *   see {@link RdpcGraphql} for the schema and where it comes from.</li>
 * </ul>
 * Plus an OAuth2 token endpoint at {@value #TOKEN_PATH}. Runs move only when the test says so: {@link #advanceAll()}
 * (QUEUED → INITIALIZING → RUNNING → COMPLETE; CANCELING → CANCELED), {@link #advance}, {@link #finish}. A run gets
 * its Nextflow session id when it reaches RUNNING (the resumed one when submitted with {@code resume}).
 * Faults: {@link #failNext}, {@link #delayNext} (hang until the client gave up, then drop without acting),
 * {@link #loseNextResponse} (act, then close the connection without answering), {@link #throttleNext} (429 with
 * {@code Retry-After}, not acted on), {@link #failNextAfterActing} (act, then answer a 5xx: a gateway's 502/504 after
 * the server made the run), {@link #slowNext} (act, then answer only after the client's timeout), {@link #failTokens}.
 * Every request is counted by {@link Kind} and recorded; {@link #inspect} adds a check run on each request (a
 * failing check is answered 400 and kept in {@link #violations()}).
 *
 * <p>Where the rules come from:
 * <ul>
 *   <li>paths, fields, states and the error body {@code {msg, status_code}}: the WES 1.1.0 OpenAPI file
 *   ({@code ../shared/specs/wes-1.1.0.openapi.yaml}; tests validate requests and answers against it); ARGO's JSON
 *   run request ({@code workflow_url} required, {@code workflow_params}, {@code workflow_engine_params}) and its
 *   answer: ICGC-ARGO workflow-management's {@code RunsRequest} and {@code RunsApiController}. ARGO's engine
 *   parameters are snake_case ({@code launch_dir}, {@code project_dir}, {@code work_dir}, {@code revision},
 *   {@code resume}, {@code default_container}, {@code latest}: {@code @JsonNaming(SnakeCaseStrategy)} on workflow-api's
 *   {@code RunRequest}/{@code EngineParameters} and workflow-management's {@code WorkflowEngineParams}, both with
 *   {@code ignoreUnknown}): any other key, {@code launchDir} or {@code offline} say, is dropped without a word, as the
 *   server drops it. GraphQL shows the kept ones in camelCase ({@code engineParameters { launchDir ... }}).</li>
 *   <li>{@link #endRunsWhere}: what a run ends in is its workflow's doing, and the workflow sees only its
 *   parameters; a test names the parameters whose runs fail, or keep running until cancelled.</li>
 *   <li>{@link #requireWorkflowParams}: a run the server cannot launch with its parameters is refused before it
 *   exists. WES 1.1.0 answers {@code POST /runs} 400 "The request is malformed"; ARGO's workflow-management
 *   launches Nextflow inside the request and answers Nextflow's launch errors with a 4xx
 *   ({@code NextflowHttpStatusResolver}: illegal config or invocation 400). Both dialects answer 400 here.</li>
 *   <li>faults on the wire: WES 1.1.0 names only 500 ("An unexpected error occurred") for a server's own trouble and
 *   nothing for overload, so 429 and its {@code Retry-After} (seconds) follow RFC 6585 section 4 and RFC 9110 section
 *   10.2.3, as the ingress in front of a WES answers (a request refused that way is not acted on). A 502/504 from
 *   that gateway, a reset connection or an answer later than the client waits may each come after the WES made the
 *   run: the spec's {@code POST /runs} is not idempotent and has no request key, so only the run's {@code tags}
 *   (which the spec keeps and lists) let a client find it again.</li>
 *   <li>cancel of a run that has ended changes nothing and answers 200 with its id (WES 1.1.0 {@code RunId});
 *   {@code CANCELING} then {@code CANCELED}, as the spec's states say.</li>
 * </ul>
 */
public final class WesEmulator implements AutoCloseable {

    public enum Dialect { GA4GH, ARGO }

    public enum Kind { TOKEN, SUBMIT, STATUS, RUN_LOG, LIST, CANCEL, SERVICE_INFO, GRAPHQL, OTHER }

    public static final String GA4GH_BASE = "/ga4gh/wes/v1";
    public static final String ARGO_BASE = "/api/v1";
    public static final String TOKEN_PATH = "/oauth/token";
    public static final String GRAPHQL_PATH = "/graphql";

    public static final Set<String> TERMINAL = Set.of("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED", "PREEMPTED");

    /** A request as received. */
    public record Request(Kind kind, String method, String path, String rawQuery, Map<String, List<String>> headers,
                          String contentType, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }
    }

    /** A run as the server holds it (a snapshot). */
    public record Run(String runId, String state, String sessionId, String workflowUrl, String workflowType,
                      String workflowTypeVersion, JsonNode workflowParams, Map<String, String> tags,
                      JsonNode engineParams, JsonNode errorReport) {
        /** An engine parameter as text, in either spelling ({@code work_dir} / {@code workDir}). */
        public String engine(String name) {
            JsonNode v = engineParams == null ? null : engineParams.get(name);
            if (v == null && engineParams != null) {
                v = engineParams.get(snake(name));
            }
            return v == null || v.isNull() ? null : v.asText();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** ARGO's engine parameters, as its RunRequest spells them; see the class comment. */
    private static final Set<String> ARGO_ENGINE_PARAMS = Set.of("default_container", "revision", "resume", "launch_dir",
            "project_dir", "work_dir", "latest");
    private static final Duration MAX_HOLD = Duration.ofSeconds(5);

    private enum FaultType { STATUS, ECHO, DELAY, LOSE, THROTTLE, ACT_THEN_STATUS, SLOW }

    /** {@code arg}: the status, or Retry-After seconds for THROTTLE, or the hold in milliseconds for SLOW. */
    private record Fault(FaultType type, int arg) {
        int status() {
            return arg;
        }
    }

    private static final class RunState {
        final String id;
        final long seq;
        String state;
        String sessionId;
        String workflowUrl;
        String workflowType;
        String workflowTypeVersion;
        JsonNode params = JSON.createObjectNode();
        Map<String, String> tags = new LinkedHashMap<>();
        ObjectNode engine = JSON.createObjectNode();
        JsonNode errorReport;

        RunState(String id, long seq, String state) {
            this.id = id;
            this.seq = seq;
            this.state = state;
        }
    }

    private final Dialect dialect;
    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch release = new CountDownLatch(1);

    private final Map<String, RunState> runs = new LinkedHashMap<>();
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    private final Map<Kind, Deque<Fault>> faults = new EnumMap<>(Kind.class);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Set<String> tokens = new LinkedHashSet<>();
    private final List<String> issued = new ArrayList<>();
    private final List<Function<Request, Optional<String>>> inspectors = new CopyOnWriteArrayList<>();
    private final List<ResponseCheck> responseChecks = new CopyOnWriteArrayList<>();
    private final List<String> responseViolations = new CopyOnWriteArrayList<>();

    private final List<Map.Entry<Predicate<JsonNode>, String>> endings = new CopyOnWriteArrayList<>();
    private final Set<String> requiredParams = new LinkedHashSet<>();
    private final RdpcGraphql rdpcGraphql = new RdpcGraphql();

    private long seq;
    private String clientId;
    private String clientSecret;
    private long expiresIn = 3600;
    private int tokenFailure;
    private int maxPageSize = 50;
    private boolean listWithTags = true;

    private WesEmulator(Dialect dialect) throws IOException {
        this.dialect = dialect;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "wes-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static WesEmulator start(Dialect dialect) throws IOException {
        return new WesEmulator(dialect);
    }

    // --- addresses -------------------------------------------------------------------------------

    public String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The WES base a client is configured with. */
    public String url() {
        return root() + (dialect == Dialect.GA4GH ? GA4GH_BASE : ARGO_BASE);
    }

    public String tokenUrl() {
        return root() + TOKEN_PATH;
    }

    public String graphqlUrl() {
        return root() + GRAPHQL_PATH;
    }

    /**
     * The {@code caravan.env.<env>.*} settings of a WES environment on this emulator, as ICGC ran theirs (its
     * transfer workflow, offline, two NFS roots) with short timeouts for tests. Concurrency and thresholds are the
     * caller's.
     */
    public Map<String, String> environmentSettings(String env, String clientId, String clientSecret, String apiToken) {
        String e = "caravan.env." + env + ".";
        Map<String, String> p = new LinkedHashMap<>();
        p.put(e + "backend", "wes");
        p.put(e + "wes-dialect", dialect == Dialect.GA4GH ? "ga4gh" : "argo");
        p.put(e + "url", url());
        if (dialect == Dialect.ARGO) {
            p.put(e + "graphql-url", graphqlUrl());
        }
        p.put(e + "token-url", tokenUrl());
        p.put(e + "client-id", clientId);
        p.put(e + "client-secret", clientSecret);
        p.put(e + "api-token", apiToken);
        p.put(e + "workflow-url", "https://github.com/icgc-argo/icgc-25k-azure-transfer.git");
        p.put(e + "workflow-version", "azure-transfer-wf.v0.12.0");
        p.put(e + "offline", "true");
        p.put(e + "nfs-root-paths", "/nfs-1-c1,/nfs-1-c2");
        p.put(e + "timeout", "2s");
        p.put(e + "retries", "1");
        return p;
    }

    public String basePath() {
        return dialect == Dialect.GA4GH ? GA4GH_BASE : ARGO_BASE;
    }

    public Dialect dialect() {
        return dialect;
    }

    // --- auth ------------------------------------------------------------------------------------

    /** From now on WES and GraphQL requests need a bearer token from the token endpoint, which checks these. */
    public synchronized WesEmulator requireClient(String id, String secret) {
        this.clientId = id;
        this.clientSecret = secret;
        return this;
    }

    /** {@code expires_in} of new tokens; 0 leaves it out. */
    public synchronized WesEmulator tokenExpiresIn(long seconds) {
        this.expiresIn = seconds;
        return this;
    }

    /** Every issued token stops working (the next WES call gets 401). */
    public synchronized void revokeTokens() {
        tokens.clear();
    }

    /** Every token request is answered with {@code status} until {@code failTokens(0)}. */
    public synchronized void failTokens(int status) {
        this.tokenFailure = status;
    }

    /** Every token ever handed out, revoked ones too. */
    public synchronized List<String> issuedTokens() {
        return List.copyOf(issued);
    }

    // --- runs ------------------------------------------------------------------------------------

    /** A run the server already has (from before the test), with its tags and directories if given. */
    public synchronized WesEmulator preload(String runId, String state, String sessionId) {
        RunState r = new RunState(runId, ++seq, state);
        r.sessionId = sessionId;
        runs.put(runId, r);
        return this;
    }

    public synchronized WesEmulator preload(String runId, String state, String sessionId, Map<String, String> tags,
                                            Map<String, String> engineParams) {
        preload(runId, state, sessionId);
        RunState r = runs.get(runId);
        r.tags.putAll(tags);
        engineParams.forEach((k, v) -> r.engine.put(dialect == Dialect.ARGO ? snake(k) : k, v));
        return this;
    }

    /** Every run not yet ended moves one step. */
    public synchronized void advanceAll() {
        runs.values().forEach(this::step);
    }

    public synchronized void advance(String runId) {
        step(run0(runId));
    }

    /** Ends a run in {@code state} ({@code COMPLETE}, {@code EXECUTOR_ERROR}, ...) wherever it was. */
    public synchronized void finish(String runId, String state) {
        finish(runId, state, null);
    }

    /**
     * Ends a run with an error report: ARGO's {@code errorReport} as given (any JSON shape); GA4GH's
     * {@code run_log.system_logs} (an array's elements, or the value as one element).
     */
    public synchronized void finish(String runId, String state, JsonNode errorReport) {
        RunState r = run0(runId);
        r.state = state;
        r.errorReport = errorReport;
    }

    public synchronized Run run(String runId) {
        return view(run0(runId));
    }

    /** Oldest first. */
    public synchronized List<Run> runs() {
        return runs.values().stream().map(WesEmulator::view).toList();
    }

    /** Listing pages hold at most this many runs, whatever the client asks for. */
    public synchronized WesEmulator pageSize(int n) {
        this.maxPageSize = n;
        return this;
    }

    /** Whether listing entries carry tags (GA4GH RunSummary) or not (RunStatus: the client must read run logs). */
    public synchronized WesEmulator listWithTags(boolean on) {
        this.listWithTags = on;
        return this;
    }

    /**
     * Runs whose workflow_params match end in {@code state} instead of {@code COMPLETE} when they leave RUNNING;
     * {@code RUNNING} keeps them running until cancelled. The first matching rule wins.
     */
    public WesEmulator endRunsWhere(Predicate<JsonNode> workflowParams, String state) {
        endings.add(Map.entry(workflowParams, state));
        return this;
    }

    /** From now on {@code POST /runs} without these workflow parameters is refused (400) and makes no run. */
    public synchronized WesEmulator requireWorkflowParams(String... names) {
        requiredParams.addAll(List.of(names));
        return this;
    }

    // --- faults ----------------------------------------------------------------------------------

    /** The next {@code times} requests of this kind are answered with {@code status} (and not acted on). */
    public synchronized void failNext(Kind kind, int times, int status) {
        for (int i = 0; i < times; i++) {
            faults.computeIfAbsent(kind, k -> new ArrayDeque<>()).add(new Fault(FaultType.STATUS, status));
        }
    }

    /** The next request of this kind is refused with {@code status}, quoting the whole request body back (careless servers do). */
    public synchronized void failNextEchoing(Kind kind, int status) {
        faults.computeIfAbsent(kind, k -> new ArrayDeque<>()).add(new Fault(FaultType.ECHO, status));
    }

    /** The next {@code times} requests of this kind hang until the client gave up, then are dropped unanswered. */
    public synchronized void delayNext(Kind kind, int times) {
        for (int i = 0; i < times; i++) {
            faults.computeIfAbsent(kind, k -> new ArrayDeque<>()).add(new Fault(FaultType.DELAY, 0));
        }
    }

    /** The next request of this kind is acted on (a run is created, ...), then the connection closes unanswered. */
    public synchronized void loseNextResponse(Kind kind) {
        faults.computeIfAbsent(kind, k -> new ArrayDeque<>()).add(new Fault(FaultType.LOSE, 0));
    }

    /** The next {@code times} requests of this kind get 429 Too Many Requests with {@code Retry-After: seconds}. */
    public synchronized void throttleNext(Kind kind, int times, int retryAfterSeconds) {
        add(kind, times, new Fault(FaultType.THROTTLE, retryAfterSeconds));
    }

    /** The next {@code times} requests of this kind are acted on (a run is made), then answered {@code status} (5xx). */
    public synchronized void failNextAfterActing(Kind kind, int times, int status) {
        add(kind, times, new Fault(FaultType.ACT_THEN_STATUS, status));
    }

    /** The next {@code times} requests of this kind are acted on at once but answered only after {@code hold}. */
    public synchronized void slowNext(Kind kind, int times, Duration hold) {
        add(kind, times, new Fault(FaultType.SLOW, (int) hold.toMillis()));
    }

    /** Faults queued and not yet met, by kind. */
    public synchronized int pendingFaults(Kind kind) {
        Deque<Fault> q = faults.get(kind);
        return q == null ? 0 : q.size();
    }

    private void add(Kind kind, int times, Fault f) {
        for (int i = 0; i < times; i++) {
            faults.computeIfAbsent(kind, k -> new ArrayDeque<>()).add(f);
        }
    }

    // --- observation -----------------------------------------------------------------------------

    public synchronized int count(Kind kind) {
        return counts.getOrDefault(kind, 0);
    }

    public synchronized Map<Kind, Integer> counts() {
        return Map.copyOf(counts);
    }

    public synchronized void resetCounts() {
        counts.clear();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(Kind kind) {
        return requests.stream().filter(r -> r.kind() == kind).toList();
    }

    /** A check on every request received; a non-empty answer is a violation: answered 400 and kept. */
    public void inspect(Function<Request, Optional<String>> check) {
        inspectors.add(check);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** A check on what the emulator answers (to keep it honest to the wire format). */
    public interface ResponseCheck {
        Optional<String> check(Request request, int status, String body);
    }

    public void inspectResponses(ResponseCheck check) {
        responseChecks.add(check);
    }

    public List<String> responseViolations() {
        return List.copyOf(responseViolations);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    // --- HTTP --------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            Kind kind = kindOf(method, path);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            Request req = new Request(kind, method, path, ex.getRequestURI().getRawQuery(), headers,
                    ex.getRequestHeaders().getFirst("Content-Type"), body);
            requests.add(req);
            Fault fault;
            synchronized (this) {
                counts.merge(kind, 1, Integer::sum);
                Deque<Fault> q = faults.get(kind);
                fault = q == null ? null : q.poll();
            }
            for (Function<Request, Optional<String>> check : inspectors) {
                Optional<String> problem = check.apply(req);
                if (problem.isPresent()) {
                    violations.add(method + " " + path + ": " + problem.get());
                    error(ex, 400, "request does not follow the API: " + problem.get());
                    return;
                }
            }
            if (fault != null && fault.type() == FaultType.STATUS) {
                respond(ex, req, errorAnswer(fault.status(), "injected fault"));
                return;
            }
            if (fault != null && fault.type() == FaultType.ECHO) {
                respond(ex, req, errorAnswer(fault.status(), "cannot run this request: " + req.bodyText()));
                return;
            }
            if (fault != null && fault.type() == FaultType.DELAY) {
                release.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
                ex.close(); // dropped without acting
                return;
            }
            if (fault != null && fault.type() == FaultType.THROTTLE) {
                ex.getResponseHeaders().set("Retry-After", Integer.toString(fault.arg()));
                respond(ex, req, errorAnswer(429, "Too Many Requests"));
                return;
            }
            Answer a = answer(kind, req, ex);
            if (fault != null && fault.type() == FaultType.LOSE) {
                ex.close(); // acted, but the answer never leaves
                return;
            }
            if (fault != null && fault.type() == FaultType.ACT_THEN_STATUS) {
                respond(ex, req, errorAnswer(fault.status(), "upstream did not answer in time"));
                return;
            }
            if (fault != null && fault.type() == FaultType.SLOW) {
                release.await(fault.arg(), TimeUnit.MILLISECONDS);
                try {
                    respond(ex, req, a);
                } catch (IOException gone) {
                    ex.close(); // the client gave up long ago: that is the fault
                }
                return;
            }
            respond(ex, req, a);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.close();
        } catch (RuntimeException e) {
            error(ex, 500, "emulator bug: " + e);
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private Kind kindOf(String method, String path) {
        String base = basePath();
        if (path.equals(TOKEN_PATH)) {
            return Kind.TOKEN;
        }
        if (path.equals(GRAPHQL_PATH) && dialect == Dialect.ARGO) {
            return Kind.GRAPHQL;
        }
        if (!path.startsWith(base + "/")) {
            return Kind.OTHER;
        }
        String rest = path.substring(base.length());
        if (rest.equals("/service-info") && method.equals("GET")) {
            return Kind.SERVICE_INFO;
        }
        if (rest.equals("/runs")) {
            return method.equals("POST") ? Kind.SUBMIT : method.equals("GET") ? Kind.LIST : Kind.OTHER;
        }
        if (rest.startsWith("/runs/")) {
            String[] parts = rest.substring("/runs/".length()).split("/", -1);
            if (parts.length == 1 && method.equals("GET")) {
                return Kind.RUN_LOG;
            }
            if (parts.length == 2 && parts[1].equals("status") && method.equals("GET")) {
                return Kind.STATUS;
            }
            if (parts.length == 2 && parts[1].equals("cancel") && method.equals("POST")) {
                return Kind.CANCEL;
            }
        }
        return Kind.OTHER;
    }

    private Answer answer(Kind kind, Request req, HttpExchange ex) {
        if (kind == Kind.TOKEN) {
            return token(req);
        }
        if (kind == Kind.OTHER) {
            return errorAnswer(404, "no such endpoint: " + req.method() + " " + req.path());
        }
        if (kind != Kind.SERVICE_INFO && !authorised(req)) {
            return errorAnswer(401, "missing or invalid bearer token");
        }
        String runId = runIdOf(req.path());
        return switch (kind) {
            case SUBMIT -> dialect == Dialect.GA4GH ? submitGa4gh(req) : submitArgo(req);
            case LIST -> list(req);
            case RUN_LOG -> runLog(runId);
            case STATUS -> status(runId);
            case CANCEL -> cancel(runId);
            case SERVICE_INFO -> new Answer(200, serviceInfo());
            case GRAPHQL -> graphql(req);
            default -> errorAnswer(404, "no such endpoint");
        };
    }

    private synchronized boolean authorised(Request req) {
        if (clientId == null) {
            return true;
        }
        String auth = req.header("Authorization").orElse("");
        return auth.startsWith("Bearer ") && tokens.contains(auth.substring("Bearer ".length()));
    }

    private String runIdOf(String path) {
        String prefix = basePath() + "/runs/";
        if (!path.startsWith(prefix)) {
            return null;
        }
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        return URLDecoder.decode(slash < 0 ? rest : rest.substring(0, slash), StandardCharsets.UTF_8);
    }

    // --- token -------------------------------------------------------------------------------------

    private synchronized Answer token(Request req) {
        if (!req.method().equals("POST")) {
            return errorAnswer(405, "POST only");
        }
        if (tokenFailure != 0) {
            return errorAnswer(tokenFailure, "token service unavailable");
        }
        Map<String, String> form = form(req.bodyText());
        if (!"client_credentials".equals(form.get("grant_type"))) {
            ObjectNode e = JSON.createObjectNode().put("error", "unsupported_grant_type");
            return new Answer(400, e);
        }
        if (clientId == null || !clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
            ObjectNode e = JSON.createObjectNode().put("error", "invalid_client")
                    .put("error_description", "Bad client credentials");
            return new Answer(401, e);
        }
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        String token = "emu-" + HexFormat.of().formatHex(b);
        tokens.add(token);
        issued.add(token);
        ObjectNode ok = JSON.createObjectNode().put("access_token", token).put("token_type", "bearer");
        if (expiresIn > 0) {
            ok.put("expires_in", expiresIn);
        }
        ok.put("scope", "wes.write");
        return new Answer(200, ok);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    // --- submit ------------------------------------------------------------------------------------

    private Answer submitGa4gh(Request req) {
        String ct = req.contentType() == null ? "" : req.contentType();
        if (!ct.toLowerCase().startsWith("multipart/form-data")) {
            return errorAnswer(400, "POST /runs takes multipart/form-data, not '" + ct + "'");
        }
        Map<String, String> fields;
        try {
            fields = Multipart.parse(ct, req.body());
        } catch (IllegalArgumentException e) {
            return errorAnswer(400, "bad multipart body: " + e.getMessage());
        }
        for (String required : List.of("workflow_url", "workflow_type", "workflow_type_version", "workflow_params")) {
            if (!fields.containsKey(required) || fields.get(required).isBlank()) {
                return errorAnswer(400, "missing field " + required);
            }
        }
        JsonNode params;
        JsonNode tags;
        JsonNode engine;
        try {
            params = JSON.readTree(fields.get("workflow_params"));
            tags = JSON.readTree(fields.getOrDefault("tags", "{}"));
            engine = JSON.readTree(fields.getOrDefault("workflow_engine_parameters", "{}"));
        } catch (IOException e) {
            return errorAnswer(400, "a JSON field does not parse");
        }
        if (!params.isObject() || !tags.isObject() || !engine.isObject()) {
            return errorAnswer(400, "workflow_params, tags and workflow_engine_parameters must be JSON objects");
        }
        Optional<Answer> unlaunchable = missingParam(params);
        if (unlaunchable.isPresent()) {
            return unlaunchable.get();
        }
        RunState r = create(UUID.randomUUID().toString(), fields.get("workflow_url"), fields.get("workflow_type"),
                fields.get("workflow_type_version"), params, tags, (ObjectNode) engine);
        return new Answer(200, JSON.createObjectNode().put("run_id", r.id));
    }

    private Answer submitArgo(Request req) {
        String ct = req.contentType() == null ? "" : req.contentType();
        if (!ct.toLowerCase().startsWith("application/json")) {
            return errorAnswer(400, "POST /runs takes application/json, not '" + ct + "'");
        }
        JsonNode body;
        try {
            body = JSON.readTree(req.body());
        } catch (IOException e) {
            return errorAnswer(400, "body is not JSON");
        }
        if (body == null || !body.isObject() || !body.path("workflow_url").isTextual()
                || !body.path("workflow_params").isObject()) {
            return errorAnswer(400, "need workflow_url (string) and workflow_params (object)");
        }
        JsonNode engine = body.path("workflow_engine_params");
        if (!engine.isMissingNode() && !engine.isObject()) {
            return errorAnswer(400, "workflow_engine_params must be an object");
        }
        Optional<Answer> unlaunchable = missingParam(body.get("workflow_params"));
        if (unlaunchable.isPresent()) {
            return unlaunchable.get();
        }
        ObjectNode kept = JSON.createObjectNode();
        if (engine.isObject()) {
            for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) engine::fields) {
                if (!ARGO_ENGINE_PARAMS.contains(e.getKey()) || e.getValue().isNull()) {
                    continue; // ignoreUnknown: dropped without a word
                }
                if (!e.getValue().isValueNode()) {
                    return errorAnswer(400, "workflow_engine_params." + e.getKey() + " must be a string");
                }
                kept.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode tags = body.path("tags");
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        RunState r = create("wes-" + HexFormat.of().formatHex(b), body.get("workflow_url").asText(), null, null,
                body.get("workflow_params"), tags.isObject() ? tags : JSON.createObjectNode(), kept);
        return new Answer(200, JSON.createObjectNode().put("run_id", r.id));
    }

    private synchronized Optional<Answer> missingParam(JsonNode params) {
        for (String name : requiredParams) {
            if (!params.hasNonNull(name)) {
                return Optional.of(errorAnswer(400, "cannot launch the workflow: missing workflow parameter '" + name + "'"));
            }
        }
        return Optional.empty();
    }

    private synchronized RunState create(String id, String url, String type, String typeVersion, JsonNode params,
                                         JsonNode tags, ObjectNode engine) {
        RunState r = new RunState(id, ++seq, "QUEUED");
        r.workflowUrl = url;
        r.workflowType = type;
        r.workflowTypeVersion = typeVersion;
        r.params = params.deepCopy();
        tags.fields().forEachRemaining(e -> r.tags.put(e.getKey(), e.getValue().asText()));
        r.engine = engine.deepCopy();
        runs.put(id, r);
        return r;
    }

    // --- read --------------------------------------------------------------------------------------

    private synchronized Answer status(String runId) {
        RunState r = runs.get(runId);
        if (r == null) {
            return errorAnswer(404, "The requested workflow run wasn't found: " + runId);
        }
        return new Answer(200, JSON.createObjectNode().put("run_id", r.id).put("state", r.state));
    }

    private synchronized Answer runLog(String runId) {
        RunState r = runs.get(runId);
        if (r == null) {
            return errorAnswer(404, "The requested workflow run wasn't found: " + runId);
        }
        ObjectNode log = JSON.createObjectNode();
        log.put("run_id", r.id);
        log.put("state", r.state);
        ObjectNode request = log.putObject("request");
        request.set("workflow_params", r.params);
        if (dialect == Dialect.GA4GH) {
            request.put("workflow_type", r.workflowType);
            request.put("workflow_type_version", r.workflowTypeVersion);
            request.set("workflow_engine_parameters", r.engine);
        } else {
            request.set("workflow_engine_params", r.engine);
        }
        request.put("workflow_url", r.workflowUrl);
        request.set("tags", JSON.valueToTree(r.tags));
        ObjectNode runLog = log.putObject("run_log");
        runLog.put("name", "caravan-emulated");
        ArrayNode sys = runLog.putArray("system_logs");
        if (r.sessionId != null) {
            sys.add("Session ID: " + r.sessionId);
        }
        if (r.errorReport != null) {
            if (r.errorReport.isArray()) {
                r.errorReport.forEach(sys::add);
            } else {
                sys.add(r.errorReport);
            }
        }
        if (r.state.equals("EXECUTOR_ERROR")) {
            runLog.put("exit_code", 1);
        } else if (r.state.equals("COMPLETE")) {
            runLog.put("exit_code", 0);
        }
        log.put("task_logs_url", url() + "/runs/" + r.id + "/tasks");
        log.putObject("outputs");
        return new Answer(200, log);
    }

    private synchronized Answer cancel(String runId) {
        RunState r = runs.get(runId);
        if (r == null) {
            return errorAnswer(404, "The requested workflow run wasn't found: " + runId);
        }
        if (!TERMINAL.contains(r.state)) {
            r.state = "CANCELING";
        }
        return new Answer(200, JSON.createObjectNode().put("run_id", r.id));
    }

    private synchronized Answer list(Request req) {
        Map<String, String> q = form(req.rawQuery() == null ? "" : req.rawQuery());
        int size = maxPageSize;
        if (q.containsKey("page_size")) {
            try {
                size = Math.max(1, Math.min(maxPageSize, Integer.parseInt(q.get("page_size"))));
            } catch (NumberFormatException e) {
                return errorAnswer(400, "page_size is not a number");
            }
        }
        int offset = 0;
        String token = q.get("page_token");
        if (token != null && !token.isEmpty()) {
            try {
                offset = dialect == Dialect.ARGO ? Integer.parseInt(token) * size
                        : Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8)
                        .substring("offset:".length()));
            } catch (RuntimeException e) {
                return errorAnswer(400, "bad page_token");
            }
        }
        List<RunState> newestFirst = new ArrayList<>(runs.values());
        Collections.reverse(newestFirst);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode items = out.putArray("runs");
        for (int i = offset; i < Math.min(newestFirst.size(), offset + size); i++) {
            RunState r = newestFirst.get(i);
            ObjectNode item = items.addObject().put("run_id", r.id).put("state", r.state);
            if (listWithTags) {
                item.set("tags", JSON.valueToTree(r.tags));
            }
        }
        boolean more = offset + size < newestFirst.size();
        if (dialect == Dialect.ARGO) {
            if (more) {
                out.put("next_page_token", offset / size + 1);
            }
        } else {
            out.put("next_page_token", more ? Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("offset:" + (offset + size)).getBytes(StandardCharsets.UTF_8)) : "");
        }
        return new Answer(200, out);
    }

    private synchronized JsonNode serviceInfo() {
        ObjectNode s = JSON.createObjectNode();
        s.put("id", "org.caravan.wes-emulator");
        s.put("name", "WES emulator");
        s.putObject("type").put("group", "org.ga4gh").put("artifact", "wes").put("version", "1.1.0");
        s.putObject("organization").put("name", "Caravan tests").put("url", "https://example.org");
        s.put("version", "1.0.0");
        s.putObject("workflow_type_versions").putObject("NFL").putArray("workflow_type_version").add("21.04").add("DSL2");
        s.putArray("supported_wes_versions").add("1.1.0");
        s.putArray("supported_filesystem_protocols").add("file").add("https");
        s.putObject("workflow_engine_versions").putObject("nextflow").putArray("workflow_engine_version").add("21.04.1");
        s.putArray("default_workflow_engine_parameters");
        ObjectNode counts = s.putObject("system_state_counts");
        runs.values().forEach(r -> counts.put(r.state, counts.path(r.state).asLong(0) + 1));
        s.put("auth_instructions_url", tokenUrl());
        s.putObject("tags");
        return s;
    }

    // --- GraphQL -----------------------------------------------------------------------------------

    private Answer graphql(Request req) {
        JsonNode body;
        try {
            body = JSON.readTree(req.body());
        } catch (IOException e) {
            body = null;
        }
        RdpcGraphql.Answer a = rdpcGraphql.execute(body, this::runDocs);
        return new Answer(a.status(), a.body());
    }

    /** Every run as the RDPC API shows it, oldest first. */
    private synchronized List<RdpcGraphql.RunDoc> runDocs() {
        List<RdpcGraphql.RunDoc> out = new ArrayList<>(runs.size());
        for (RunState r : runs.values()) {
            Map<String, Object> ep = new LinkedHashMap<>();
            for (String f : List.of("defaultContainer", "launchDir", "projectDir", "resume", "revision", "workDir", "latest")) {
                JsonNode v = r.engine.get(snake(f));
                ep.put(f, v == null || v.isNull() ? null : f.equals("latest") ? (Object) v.asBoolean() : v.asText());
            }
            String error = r.errorReport == null || r.errorReport.isNull() ? null
                    : r.errorReport.isTextual() ? r.errorReport.asText() : r.errorReport.toString();
            out.add(new RdpcGraphql.RunDoc(r.id, r.sessionId, r.workflowUrl, r.state, r.params, error, ep));
        }
        return out;
    }

    /** {@code launchDir} → {@code launch_dir}; snake_case names stay as they are. */
    public static String snake(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // --- helpers -----------------------------------------------------------------------------------

    private void step(RunState r) {
        switch (r.state) {
            case "QUEUED" -> r.state = "INITIALIZING";
            case "INITIALIZING" -> {
                r.state = "RUNNING";
                if (r.sessionId == null) {
                    JsonNode resume = r.engine.get("resume");
                    r.sessionId = resume != null && resume.isTextual() ? resume.asText() : UUID.randomUUID().toString();
                }
            }
            case "RUNNING" -> end(r);
            case "CANCELING" -> r.state = "CANCELED";
            default -> {
            }
        }
    }

    private void end(RunState r) {
        String state = endings.stream().filter(e -> e.getKey().test(r.params)).map(Map.Entry::getValue).findFirst()
                .orElse("COMPLETE");
        if (!state.equals("COMPLETE") && !state.equals("RUNNING") && r.errorReport == null) {
            r.errorReport = JSON.getNodeFactory().textNode("the workflow failed with its parameters (emulated)");
        }
        r.state = state;
    }

    private RunState run0(String runId) {
        RunState r = runs.get(runId);
        if (r == null) {
            throw new IllegalArgumentException("the emulator has no run " + runId);
        }
        return r;
    }

    private static Run view(RunState r) {
        return new Run(r.id, r.state, r.sessionId, r.workflowUrl, r.workflowType, r.workflowTypeVersion,
                r.params.deepCopy(), Map.copyOf(r.tags), r.engine.deepCopy(),
                r.errorReport == null ? null : r.errorReport.deepCopy());
    }

    private void respond(HttpExchange ex, Request req, Answer a) throws IOException {
        String text = JSON.writeValueAsString(a.body());
        for (ResponseCheck check : responseChecks) {
            check.check(req, a.status(), text).ifPresent(p -> responseViolations.add(req.method() + " " + req.path()
                    + " answered " + a.status() + ": " + p));
        }
        send(ex, a.status(), text);
    }

    private static Answer errorAnswer(int status, String msg) {
        return new Answer(status, JSON.createObjectNode().put("msg", msg).put("status_code", status));
    }

    private static void error(HttpExchange ex, int status, String msg) throws IOException {
        send(ex, status, JSON.writeValueAsString(JSON.createObjectNode().put("msg", msg).put("status_code", status)));
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }
}
