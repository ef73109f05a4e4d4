package dev.caravan.emulators.flywheel;

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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process Flywheel for tests and the benchmark: a real HTTP server on 127.0.0.1 with the part of
 * {@code /api} Caravan uses. Groups and projects (with {@code info}, files and
 * {@code stats.number_of.acquisition_files}), gears with versions, jobs that move
 * {@code pending → running → complete|failed} when the test says so ({@link #advance()}) or after a number
 * of polls ({@link #autoAdvance(int)}), Flywheel's own retries ({@code retried}, {@code previous_job_id}),
 * the retry and cancel endpoints, injected 5xx answers, slow and lost answers, and a count of every call.
 *
 * <p>Where the rules come from: the job states and their moves are Flywheel core's ({@code jobs/queue.py}:
 * {@code JOB_TRANSITIONS} pending → running, pending|running → cancelled, running → failed|complete); a job may be
 * changed only while pending or running ({@code JOB_STATES_ALLOWED_MUTATE}), so a cancel of an ended job is refused
 * 400 "Cannot mutate a job that is &lt;state&gt;." ({@code Queue.mutate} raises {@code InputValidationException}); only
 * a failed or cancelled job is retried, into a new job with {@code previous_job_id} ({@code Queue.retry}). How a
 * job ends is its gear's doing: {@link #gearEnds} names gears whose jobs fail or run until cancelled.
 * {@link #loseNextAnswer} carries a request out and drops the connection before the answer, as a proxy or a broken
 * connection does.
 */
public final class FlywheelEmulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String SECRET = "emulator-secret-0123456789";

    /** A job as the emulator keeps it. */
    public static final class EJob {
        public final String id;
        public final String gearId;
        public final String gearName;
        public final String gearVersion;
        public final String group;
        public final String projectId;
        public final JsonNode config;
        public final JsonNode inputs;
        public final List<String> tags;
        public final String label;
        public final Instant created;
        public final String previousJobId;
        public volatile String state = "pending";
        public volatile Instant retried;
        public final Map<String, Instant> transitions = new ConcurrentHashMap<>();
        public volatile int polls;
        public volatile String failureReason;

        EJob(String id, String gearId, String gearName, String gearVersion, String group, String projectId,
             JsonNode config, JsonNode inputs, List<String> tags, String label, Instant created, String previousJobId) {
            this.id = id;
            this.gearId = gearId;
            this.gearName = gearName;
            this.gearVersion = gearVersion;
            this.group = group;
            this.projectId = projectId;
            this.config = config;
            this.inputs = inputs;
            this.tags = List.copyOf(tags);
            this.label = label;
            this.created = created;
            this.previousJobId = previousJobId;
        }

        ObjectNode doc() {
            ObjectNode n = JSON.createObjectNode();
            n.put("_id", id).put("id", id).put("gear_id", gearId).put("state", state).put("label", label);
            n.putObject("gear_info").put("name", gearName).put("version", gearVersion);
            n.putObject("parents").put("group", group).put("project", projectId);
            n.putObject("destination").put("type", "project").put("id", projectId);
            n.set("config", config);
            n.set("inputs", inputs);
            ArrayNode t = n.putArray("tags");
            tags.forEach(t::add);
            n.put("created", created.toString());
            ObjectNode tr = n.putObject("transitions");
            transitions.forEach((k, v) -> tr.put(k, v.toString()));
            if (retried != null) {
                n.put("retried", retried.toString());
            } else {
                n.putNull("retried");
            }
            if (previousJobId != null) {
                n.put("previous_job_id", previousJobId);
            }
            if (failureReason != null) {
                n.put("failure_reason", failureReason);
            }
            return n;
        }
    }

    private record Project(String id, String group, String label, long files, List<String> fileNames, JsonNode info) {
    }

    private record Gear(String id, String name, String version, Instant created) {
    }

    /** {@code lose}: carried out, then the connection closes without an answer. */
    private record Fault(String prefix, int status, long delayMillis, boolean lose) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final String apiKey;
    private final Map<String, Project> projects = new LinkedHashMap<>();
    private final Map<String, Gear> gears = new LinkedHashMap<>();
    private final Map<String, EJob> jobs = new LinkedHashMap<>();
    private final Map<String, Deque<String>> outcomes = new HashMap<>();
    private final Map<String, Integer> autoRetries = new HashMap<>();
    private final Map<String, String> gearEnds = new HashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(0x5f00_0000L);
    private volatile Clock clock = Clock.systemUTC();
    private volatile int autoAdvance;
    private volatile String defaultOutcome = "complete";

    static {
        // the JDK server writes headers and body apart: without TCP_NODELAY every answer waits ~40 ms for a
        // delayed ACK, which is the emulator's cost, not Caravan's (read once, when the first server starts)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    public FlywheelEmulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/api/", this::handle);
        server.start();
        apiKey = "127.0.0.1:" + SECRET;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A key for this instance, {@code 127.0.0.1:<secret>}. */
    public String apiKey() {
        return apiKey;
    }

    public void clock(Clock c) {
        this.clock = c;
    }

    // --- data ----------------------------------------------------------------------------------

    public synchronized String project(String group, String label, long acquisitionFiles, String... files) {
        String id = nextId();
        projects.put(id, new Project(id, group, label, acquisitionFiles, List.of(files), JSON.createObjectNode()));
        return id;
    }

    /** The admin group's metadata project with {@code info.centers} = {@code centers}. */
    public synchronized String metadata(String adminGroup, ObjectNode centers) {
        String id = nextId();
        ObjectNode info = JSON.createObjectNode();
        info.set("centers", centers);
        projects.put(id, new Project(id, adminGroup, "metadata", 0, List.of(), info));
        return id;
    }

    public synchronized String gear(String name, String version) {
        String id = nextId();
        gears.put(id, new Gear(id, name, version, clock.instant()));
        return id;
    }

    /** A finished job of a gear in a group, for time_interval. */
    public synchronized EJob completedJob(String group, String gearName, Instant completedAt) {
        EJob j = new EJob(nextId(), "old-gear", gearName, "0.0.1", group, "old-project", JSON.createObjectNode(),
                JSON.createObjectNode(), List.of(), "", completedAt.minusSeconds(600), null);
        j.state = "complete";
        j.transitions.put("running", completedAt.minusSeconds(300));
        j.transitions.put("complete", completedAt);
        jobs.put(j.id, j);
        return j;
    }

    // --- what jobs do ------------------------------------------------------------------------

    /** The states the successive jobs of a group end in ({@code complete}, {@code failed}, {@code cancelled}); then the default. */
    public synchronized void outcomes(String group, String... states) {
        outcomes.put(group, new ArrayDeque<>(List.of(states)));
    }

    public synchronized void defaultOutcome(String state) {
        defaultOutcome = state;
    }

    /** Jobs of this gear end in {@code state} ({@code failed}, ...); {@code running}: they run until cancelled. */
    public synchronized void gearEnds(String gearName, String state) {
        gearEnds.put(gearName, state);
    }

    /** How many times Flywheel retries a failed job of this group by itself. */
    public synchronized void autoRetries(String group, int n) {
        autoRetries.put(group, n);
    }

    /** 0: jobs move only on {@link #advance()}; n: a job runs on its first poll and ends on its n-th. */
    public void autoAdvance(int polls) {
        this.autoAdvance = polls;
    }

    /** One step of Flywheel's engine: pending jobs start, running jobs end. */
    public synchronized void advance() {
        for (EJob j : new ArrayList<>(jobs.values())) {
            step(j);
        }
    }

    /** Advances until no job is pending or running. */
    public synchronized void finishAll() {
        for (int i = 0; i < 20 && jobs.values().stream().anyMatch(j -> j.state.equals("pending") || j.state.equals("running")); i++) {
            advance();
        }
    }

    private void step(EJob j) {
        Instant now = clock.instant();
        if (j.state.equals("pending")) {
            j.state = "running";
            j.transitions.put("running", now);
        } else if (j.state.equals("running")) {
            String end = gearEnds.get(j.gearName);
            if (end == null) {
                Deque<String> q = outcomes.get(j.group);
                end = q == null || q.isEmpty() ? defaultOutcome : q.poll();
            }
            if (end.equals("running")) {
                return;
            }
            j.state = end;
            j.transitions.put(end, now);
            if (end.equals("failed")) {
                j.failureReason = "gear_error";
                int left = autoRetries.getOrDefault(j.group, 0);
                if (left > 0) {
                    autoRetries.put(j.group, left - 1);
                    j.retried = now;
                    copy(j);
                }
            }
        }
    }

    private EJob copy(EJob j) {
        EJob n = new EJob(nextId(), j.gearId, j.gearName, j.gearVersion, j.group, j.projectId, j.config, j.inputs, j.tags,
                j.label, clock.instant(), j.id);
        jobs.put(n.id, n);
        return n;
    }

    public synchronized List<EJob> jobs() {
        return List.copyOf(jobs.values());
    }

    /** Jobs added for (or retried in) a group, oldest first, without the completed history jobs. */
    public synchronized List<EJob> jobsOf(String group) {
        return jobs.values().stream().filter(j -> j.group.equals(group) && !j.gearId.equals("old-gear")).toList();
    }

    public synchronized EJob job(String id) {
        return jobs.get(id);
    }

    // --- faults and counts -------------------------------------------------------------------

    /** The next {@code times} requests whose {@code METHOD /api/path} starts with {@code prefix} get {@code status}. */
    public synchronized void failNext(String prefix, int status, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(prefix, status, 0, false));
        }
    }

    /** The next matching request is carried out, but its answer comes {@code millis} late. */
    public synchronized void delayNext(String prefix, long millis, int times) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(prefix, 0, millis, false));
        }
    }

    /** The next request whose {@code METHOD /api/path} starts with {@code prefix} is carried out, but never answered. */
    public synchronized void loseNextAnswer(String prefix) {
        faults.add(new Fault(prefix, 0, 0, true));
    }

    /** Calls by kind: {@code GET /api/jobs/{id}}, {@code GET /api/jobs?tags}, {@code POST /api/jobs/add}, ... */
    public Map<String, Integer> calls() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public int calls(String kind) {
        AtomicInteger n = calls.get(kind);
        return n == null ? 0 : n.get();
    }

    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public void resetCalls() {
        calls.clear();
    }

    // --- HTTP ----------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            Map<String, String> q = query(query);
            String kind = kind(method, path, q);
            calls.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            if (!("scitran-user " + apiKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, error("Invalid API key"));
                return;
            }
            Fault fault = takeFault(method + " " + path);
            if (fault != null && fault.status() > 0) {
                send(ex, fault.status(), error("injected failure"));
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            JsonNode in = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            Answer a = route(method, path, q, in);
            if (fault != null && fault.lose()) {
                return; // the connection closes (finally) before any answer
            }
            if (fault != null && fault.delayMillis() > 0) {
                try {
                    Thread.sleep(fault.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(ex, a.status, a.body);
        } catch (RuntimeException e) {
            send(ex, 500, error(e.toString()));
        } finally {
            ex.close();
        }
    }

    private record Answer(int status, JsonNode body) {
    }

    private synchronized Fault takeFault(String request) {
        for (Fault f : faults) {
            if (request.startsWith(f.prefix())) {
                faults.remove(f);
                return f;
            }
        }
        return null;
    }

    private static String kind(String method, String path, Map<String, String> q) {
        String p = path.replaceAll("/api/(jobs|projects)/(?!add)[^/]+", "/api/$1/{id}");
        if (path.equals("/api/jobs") && q.containsKey("filter")) {
            List<String> keys = new ArrayList<>();
            for (String term : q.get("filter").split(",")) {
                keys.add(term.split("=", 2)[0]);
            }
            return method + " " + p + "?" + String.join(",", keys);
        }
        return method + " " + p;
    }

    private synchronized Answer route(String method, String path, Map<String, String> q, JsonNode in) {
        String[] parts = path.substring("/api/".length()).split("/");
        switch (parts[0]) {
            case "lookup" -> {
                return lookup(in);
            }
            case "projects" -> {
                Project p = parts.length > 1 ? projects.get(parts[1]) : null;
                return p == null ? notFound("project") : new Answer(200, projectDoc(p));
            }
            case "gears" -> {
                return gears(q);
            }
            case "jobs" -> {
                if (parts.length == 1 && method.equals("GET")) {
                    return findJobs(q);
                }
                if (parts.length == 2 && parts[1].equals("add") && method.equals("POST")) {
                    return addJob(in);
                }
                EJob j = parts.length > 1 ? jobs.get(parts[1]) : null;
                if (j == null) {
                    return notFound("job");
                }
                if (parts.length == 2 && method.equals("GET")) {
                    j.polls++;
                    if (autoAdvance > 0 && (j.state.equals("pending") || (j.state.equals("running") && j.polls >= autoAdvance))) {
                        step(j);
                    }
                    return new Answer(200, j.doc());
                }
                if (parts.length == 3 && parts[2].equals("retry") && method.equals("POST")) {
                    if (!(j.state.equals("failed") || j.state.equals("cancelled")) || j.retried != null) {
                        return new Answer(400, error("job " + j.id + " cannot be retried (state " + j.state
                                + (j.retried != null ? ", already retried" : "") + ")"));
                    }
                    j.retried = clock.instant();
                    EJob n = copy(j);
                    return new Answer(200, JSON.createObjectNode().put("_id", n.id));
                }
                if (parts.length == 2 && method.equals("PUT")) {
                    String to = in.path("state").asText();
                    if (!(j.state.equals("pending") || j.state.equals("running"))) {
                        return new Answer(400, error("Cannot mutate a job that is " + j.state + "."));
                    }
                    if (!to.equals("cancelled")) { // core raises a bare Exception here: a 500
                        return new Answer(500, error("Mutating job from " + j.state + " to " + to + " not allowed."));
                    }
                    j.state = "cancelled";
                    j.transitions.put("cancelled", clock.instant());
                    return new Answer(200, JSON.createObjectNode().put("modified", 1));
                }
                return new Answer(405, error("no such operation"));
            }
            default -> {
                return notFound("endpoint");
            }
        }
    }

    private Answer lookup(JsonNode in) {
        List<String> path = new ArrayList<>();
        in.path("path").forEach(p -> path.add(p.asText()));
        if (path.size() == 2) {
            for (Project p : projects.values()) {
                if (p.group().equals(path.get(0)) && p.label().equals(path.get(1))) {
                    return new Answer(200, projectDoc(p));
                }
            }
        }
        return new Answer(404, error("Cannot find " + String.join("/", path)));
    }

    private static ObjectNode projectDoc(Project p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("_id", p.id()).put("label", p.label()).put("group", p.group()).put("container_type", "project");
        n.putObject("parents").put("group", p.group());
        n.set("info", p.info());
        n.putObject("stats").putObject("number_of").put("acquisition_files", p.files()).put("sessions", 1);
        ArrayNode f = n.putArray("files");
        p.fileNames().forEach(name -> f.addObject().put("name", name).put("file_id", "f-" + name.hashCode()));
        return n;
    }

    private Answer gears(Map<String, String> q) {
        Map<String, String> filter = filter(q.getOrDefault("filter", ""));
        boolean all = "true".equals(q.get("all_versions"));
        Map<String, Gear> latest = new LinkedHashMap<>();
        List<Gear> matching = new ArrayList<>();
        for (Gear g : gears.values()) {
            if (filter.containsKey("gear.name") && !filter.get("gear.name").equals(g.name())) {
                continue;
            }
            matching.add(g);
            latest.merge(g.name(), g, (a, b) -> semver(a.version(), b.version()) >= 0 ? a : b);
        }
        ArrayNode out = JSON.createArrayNode();
        for (Gear g : all ? matching : List.copyOf(latest.values())) {
            ObjectNode n = out.addObject();
            n.put("_id", g.id()).put("created", g.created().toString()).put("category", "utility");
            n.putObject("gear").put("name", g.name()).put("version", g.version());
        }
        return new Answer(200, out);
    }

    private Answer findJobs(Map<String, String> q) {
        Map<String, String> filter = filter(q.getOrDefault("filter", ""));
        List<EJob> found = new ArrayList<>();
        for (EJob j : jobs.values()) {
            ObjectNode d = j.doc();
            boolean ok = true;
            for (Map.Entry<String, String> f : filter.entrySet()) {
                if (f.getKey().equals("tags")) {
                    ok &= j.tags.contains(f.getValue());
                } else {
                    JsonNode v = d;
                    for (String part : f.getKey().split("\\.")) {
                        v = v.path(part);
                    }
                    ok &= v.asText("").equals(f.getValue());
                }
            }
            if (ok) {
                found.add(j);
            }
        }
        String sort = q.getOrDefault("sort", "");
        if (sort.startsWith("created")) {
            found.sort(Comparator.comparing((EJob j) -> j.created).thenComparing(j -> j.id));
            if (sort.endsWith(":desc")) {
                java.util.Collections.reverse(found);
            }
        }
        int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : Integer.MAX_VALUE;
        ArrayNode out = JSON.createArrayNode();
        found.stream().limit(limit).forEach(j -> out.add(j.doc()));
        return new Answer(200, out);
    }

    private Answer addJob(JsonNode in) {
        Gear gear = gears.get(in.path("gear_id").asText());
        if (gear == null) {
            return new Answer(400, error("no gear " + in.path("gear_id").asText()));
        }
        Project dest = projects.get(in.path("destination").path("id").asText());
        if (dest == null) {
            return new Answer(400, error("destination " + in.path("destination") + " not found"));
        }
        for (Map.Entry<String, JsonNode> e : in.path("inputs").properties()) {
            Project p = projects.get(e.getValue().path("id").asText());
            if (p == null || !p.fileNames().contains(e.getValue().path("name").asText())) {
                return new Answer(400, error("input " + e.getKey() + ": file " + e.getValue() + " not found"));
            }
        }
        List<String> tags = new ArrayList<>();
        in.path("tags").forEach(t -> tags.add(t.asText()));
        EJob j = new EJob(nextId(), gear.id(), gear.name(), gear.version(), dest.group(), dest.id(), in.path("config"),
                in.path("inputs"), tags, in.path("label").asText(""), clock.instant(), null);
        jobs.put(j.id, j);
        return new Answer(200, JSON.createObjectNode().put("_id", j.id));
    }

    private static Map<String, String> filter(String f) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String term : f.split(",")) {
            String[] kv = term.split("=", 2);
            if (kv.length == 2) {
                String v = kv[1].trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                out.put(kv[0].trim(), v);
            }
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String p : raw.split("&")) {
            String[] kv = p.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }

    private static Answer notFound(String what) {
        return new Answer(404, error(what + " not found"));
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("message", message).put("status_code", 0);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] out = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer
        }
    }

    private String nextId() {
        return Long.toHexString(ids.incrementAndGet()) + "a1b2c3d4e5f6";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Flywheel's gear listing keeps the newest version of each gear name; gear versions are semantic versions
     * (the gear manifest's {@code version}), compared part by part with numbers as numbers. The emulator's own
     * comparison, so a fault in Caravan's client's ordering is not mirrored here.
     */
    private static int semver(String a, String b) {
        String[] x = a.split("[.+-]");
        String[] y = b.split("[.+-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            boolean numbers = p.chars().allMatch(Character::isDigit) && q.chars().allMatch(Character::isDigit)
                    && !p.isEmpty() && !q.isEmpty() && p.length() < 19 && q.length() < 19;
            int c = numbers ? Long.compare(Long.parseLong(p), Long.parseLong(q)) : p.compareTo(q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
