package dev.caravan.emulators.awsbatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process AWS Batch (REST-JSON, what the SDK v2 sends) for what moto lacks: jobs that stay RUNNABLE and RUNNING
 * for a while, jobs that fail, throttling (a rate limit, or the next N answers), server errors and lost answers,
 * before or after the job was taken. Only the calls Caravan makes: SubmitJob, DescribeJobs, ListJobs, CancelJob,
 * TerminateJob, DescribeJobQueues, DescribeJobDefinitions.
 *
 * <p>Where the rules come from (the AWS Batch API reference, and what the SDK v2 sends and parses):
 * <ul>
 *   <li>errors carry their code in {@code x-amzn-ErrorType} and {@code __type}: ClientException 400 (an unknown
 *   queue, definition or dependency, a bad job name, more than 100 ids to DescribeJobs), ServerException 500,
 *   TooManyRequestsException 429, and UnrecognizedClientException 403 for a security token AWS does not know;</li>
 *   <li>DescribeJobs leaves out ids it does not know; ListJobs with a JOB_NAME filter ignores jobStatus;</li>
 *   <li>CancelJob stops a job only while SUBMITTED, PENDING or RUNNABLE; TerminateJob also while STARTING or
 *   RUNNING; either way the job ends FAILED with the given reason as statusReason;</li>
 *   <li>a job ends as its container's command does, as Batch runs it: {@code containerOverrides.command} ending in
 *   {@code exit N} (N not 0) ends FAILED with exit code N and "Essential container in task exited";
 *   {@code sleep infinity} stays RUNNING until terminated; anything else SUCCEEDED.</li>
 * </ul>
 */
public final class AwsBatchEmulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXIT = Pattern.compile("\\bexit (\\d+)$");

    static {
        // without it the JDK server's separate header and body writes meet delayed ACKs: 40 ms a call
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One job as the emulator keeps it. */
    public static final class Job {
        public final String id;
        public final String name;
        public final String queue;
        public final JsonNode request;
        final long created;
        final List<String> deps;
        /** The container's exit status by its command; null: it succeeds. */
        final Integer exitCode;
        /** Runs until terminated ({@code sleep infinity}). */
        final boolean endless;
        public volatile String stoppedReason;
        public volatile boolean stoppedWhileRunning;

        Job(String id, String name, String queue, JsonNode request, long created, List<String> deps) {
            this.id = id;
            this.name = name;
            this.queue = queue;
            this.request = request;
            this.created = created;
            this.deps = deps;
            StringBuilder command = new StringBuilder();
            request.path("containerOverrides").path("command").forEach(part -> command.append(' ').append(part.asText()));
            Matcher exit = EXIT.matcher(command.toString().strip());
            this.exitCode = exit.find() && !exit.group(1).equals("0") ? Integer.valueOf(exit.group(1)) : null;
            this.endless = command.indexOf("sleep infinity") >= 0;
        }
    }

    private final HttpServer server;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final List<Job> order = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    private final Set<String> definitions = ConcurrentHashMap.newKeySet();
    /** Job names (or their sample parts) that fail when they would succeed. */
    public final Set<String> failing = ConcurrentHashMap.newKeySet();
    public volatile Duration runnableFor = Duration.ZERO;
    public volatile Duration runningFor = Duration.ZERO;
    public final AtomicInteger throttleNextSubmits = new AtomicInteger();
    public final AtomicInteger throttleNextDescribes = new AtomicInteger();
    /** 500 after taking the job. */
    public final AtomicInteger serverErrorAfterSubmit = new AtomicInteger();
    /** 500 without taking it. */
    public final AtomicInteger serverErrorBeforeSubmit = new AtomicInteger();
    /** Takes the job and closes the connection without an answer. */
    public final AtomicInteger loseAfterSubmit = new AtomicInteger();
    /** Closes the connection without taking the job. */
    public final AtomicInteger loseBeforeSubmit = new AtomicInteger();
    public final AtomicInteger throttled = new AtomicInteger();
    public volatile boolean refuseCredentials;
    private final Object bucketLock = new Object();
    private volatile double rate;
    private double tokens;
    private long lastRefill = System.nanoTime();

    public AwsBatchEmulator() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::handle);
        server.start();
        queues.add("fake-queue");
        definitions.add("fake-def");
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void addQueue(String q) {
        queues.add(q);
    }

    public void addDefinition(String d) {
        definitions.add(d);
    }

    /** SubmitJob answers 429 above this many a second (a token bucket holding one second's worth); 0: no limit. */
    public void limitSubmitRate(double perSecond) {
        synchronized (bucketLock) {
            rate = perSecond;
            tokens = perSecond;
            lastRefill = System.nanoTime();
        }
    }

    public int calls(String action) {
        return calls.getOrDefault(action, new AtomicInteger()).get();
    }

    public List<Job> jobs() {
        return Collections.unmodifiableList(order);
    }

    public Job job(String id) {
        return jobs.get(id);
    }

    /** Jobs by name: more than one means a duplicate submission. */
    public Map<String, Integer> namesCount() {
        Map<String, Integer> out = new LinkedHashMap<>();
        order.forEach(j -> out.merge(j.name, 1, Integer::sum));
        return out;
    }

    // --- the model ---------------------------------------------------------------------------------

    public long endMillis(Job j) {
        long start = j.created;
        for (String d : j.deps) {
            Job dj = jobs.get(d);
            if (dj != null) {
                start = Math.max(start, endMillis(dj));
            }
        }
        return start + runnableFor.toMillis() + runningFor.toMillis();
    }

    public String status(Job j) {
        if (j.stoppedReason != null) {
            return "FAILED";
        }
        for (String d : j.deps) {
            Job dj = jobs.get(d);
            if (dj != null && status(dj).equals("FAILED")) {
                return "FAILED";
            }
        }
        for (String d : j.deps) {
            Job dj = jobs.get(d);
            if (dj != null && !status(dj).equals("SUCCEEDED")) {
                return "PENDING";
            }
        }
        long now = System.currentTimeMillis();
        long end = endMillis(j);
        if (now < end - runningFor.toMillis()) {
            return "RUNNABLE";
        }
        if (j.endless) {
            return "RUNNING";
        }
        if (now < end) {
            return "RUNNING";
        }
        return fails(j) ? "FAILED" : "SUCCEEDED";
    }

    private boolean fails(Job j) {
        return j.exitCode != null || failing.stream().anyMatch(f -> j.name.contains(f));
    }

    private String reason(Job j) {
        if (j.stoppedReason != null) {
            return j.stoppedReason;
        }
        for (String d : j.deps) {
            Job dj = jobs.get(d);
            if (dj != null && status(dj).equals("FAILED")) {
                return "Dependent Job failed";
            }
        }
        return fails(j) ? "Essential container in task exited" : null;
    }

    // --- HTTP --------------------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        String action = ex.getRequestURI().getPath().replaceFirst("^/v1/", "");
        calls.computeIfAbsent(action, k -> new AtomicInteger()).incrementAndGet();
        JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
        if (body == null || body.isMissingNode()) {
            body = JSON.createObjectNode();
        }
        try {
            if (refuseCredentials) {
                error(ex, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
                return;
            }
            switch (action) {
                case "submitjob" -> submit(ex, body);
                case "describejobs" -> {
                    if (take(throttleNextDescribes)) {
                        throttled.incrementAndGet();
                        error(ex, 429, "TooManyRequestsException", "Too Many Requests");
                        return;
                    }
                    describe(ex, body);
                }
                case "listjobs" -> list(ex, body);
                case "canceljob", "terminatejob" -> stop(ex, body, action.equals("terminatejob"));
                case "describejobqueues" -> {
                    ObjectNode r = JSON.createObjectNode();
                    ArrayNode a = r.putArray("jobQueues");
                    for (String q : queues) {
                        a.addObject().put("jobQueueName", q).put("jobQueueArn", "arn:aws:batch:us-east-1:123456789012:job-queue/" + q)
                                .put("state", "ENABLED").put("status", "VALID").put("priority", 1).putArray("computeEnvironmentOrder");
                    }
                    ok(ex, r);
                }
                case "describejobdefinitions" -> {
                    ObjectNode r = JSON.createObjectNode();
                    ArrayNode a = r.putArray("jobDefinitions");
                    String name = body.path("jobDefinitionName").asText();
                    for (String d : definitions) {
                        if (d.equals(name)) {
                            a.addObject().put("jobDefinitionName", d).put("revision", 1).put("status", "ACTIVE")
                                    .put("type", "container").put("jobDefinitionArn", "arn:aws:batch:us-east-1:123456789012:job-definition/" + d + ":1");
                        }
                    }
                    ok(ex, r);
                }
                default -> error(ex, 400, "ClientException", "unsupported action " + action);
            }
        } catch (RuntimeException e) {
            error(ex, 500, "ServerException", String.valueOf(e));
        }
    }

    private static boolean take(AtomicInteger n) {
        return n.getAndUpdate(x -> x > 0 ? x - 1 : 0) > 0;
    }

    private boolean overRate() {
        synchronized (bucketLock) {
            if (rate <= 0) {
                return false;
            }
            long now = System.nanoTime();
            tokens = Math.min(rate, tokens + (now - lastRefill) / 1e9 * rate);
            lastRefill = now;
            if (tokens >= 1) {
                tokens -= 1;
                return false;
            }
            return true;
        }
    }

    private void submit(HttpExchange ex, JsonNode b) throws IOException {
        if (take(throttleNextSubmits) || overRate()) {
            throttled.incrementAndGet();
            error(ex, 429, "TooManyRequestsException", "Too Many Requests");
            return;
        }
        if (take(serverErrorBeforeSubmit)) {
            error(ex, 500, "ServerException", "internal error");
            return;
        }
        if (take(loseBeforeSubmit)) {
            ex.close();
            return;
        }
        String queue = b.path("jobQueue").asText();
        if (!queues.contains(queue)) {
            error(ex, 400, "ClientException", "Job queue " + queue + " does not exist");
            return;
        }
        String def = b.path("jobDefinition").asText();
        if (!definitions.contains(def.contains(":") ? def.substring(0, def.indexOf(':')) : def)) {
            error(ex, 400, "ClientException", "Job definition " + def + " does not exist");
            return;
        }
        List<String> deps = new ArrayList<>();
        b.path("dependsOn").forEach(d -> deps.add(d.path("jobId").asText()));
        for (String d : deps) {
            if (!jobs.containsKey(d)) {
                error(ex, 400, "ClientException", "dependsOn: job " + d + " does not exist");
                return;
            }
        }
        String name = b.path("jobName").asText();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,127}")) {
            error(ex, 400, "ClientException", "bad job name " + name);
            return;
        }
        Job j = new Job(UUID.randomUUID().toString(), name, queue, b, System.currentTimeMillis(), deps);
        jobs.put(j.id, j);
        order.add(j);
        if (take(serverErrorAfterSubmit)) {
            error(ex, 500, "ServerException", "internal error");
            return;
        }
        if (take(loseAfterSubmit)) {
            ex.close();
            return;
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("jobName", name).put("jobId", j.id).put("jobArn", "arn:aws:batch:us-east-1:123456789012:job/" + j.id);
        ok(ex, r);
    }

    private void describe(HttpExchange ex, JsonNode b) throws IOException {
        if (b.path("jobs").size() > 100) {
            error(ex, 400, "ClientException", "at most 100 job ids");
            return;
        }
        ObjectNode r = JSON.createObjectNode();
        ArrayNode a = r.putArray("jobs");
        for (JsonNode id : b.path("jobs")) {
            Job j = jobs.get(id.asText());
            if (j == null) {
                continue;
            }
            ObjectNode d = a.addObject();
            String st = status(j);
            d.put("jobId", j.id).put("jobName", j.name).put("jobQueue", j.queue).put("status", st)
                    .put("jobDefinition", j.request.path("jobDefinition").asText()).put("createdAt", j.created);
            String reason = reason(j);
            if (st.equals("FAILED") && reason != null) {
                d.put("statusReason", reason);
            }
            d.set("tags", j.request.path("tags").deepCopy());
            d.set("parameters", j.request.path("parameters").deepCopy());
            ObjectNode c = d.putObject("container");
            c.put("logStreamName", "fake/default/" + j.id);
            if (st.equals("FAILED") && fails(j)) {
                c.put("exitCode", j.exitCode == null ? 1 : j.exitCode);
            }
        }
        ok(ex, r);
    }

    private void list(HttpExchange ex, JsonNode b) throws IOException {
        String queue = b.path("jobQueue").asText();
        if (!queues.contains(queue)) {
            error(ex, 400, "ClientException", "Job queue " + queue + " does not exist");
            return;
        }
        String name = null;
        for (JsonNode f : b.path("filters")) {
            if (f.path("name").asText().equals("JOB_NAME")) {
                name = f.path("values").path(0).asText();
            }
        }
        String status = b.path("jobStatus").asText(null);
        ObjectNode r = JSON.createObjectNode();
        ArrayNode a = r.putArray("jobSummaryList");
        for (Job j : order) {
            if (!j.queue.equals(queue) || (name != null && !j.name.equalsIgnoreCase(name))) {
                continue;
            }
            String st = status(j);
            if (name == null && status != null && !status.equals(st)) {
                continue;
            }
            a.addObject().put("jobId", j.id).put("jobName", j.name).put("status", st).put("createdAt", j.created);
        }
        ok(ex, r);
    }

    private void stop(HttpExchange ex, JsonNode b, boolean terminate) throws IOException {
        Job j = jobs.get(b.path("jobId").asText());
        if (j == null) {
            error(ex, 400, "ClientException", "no job " + b.path("jobId").asText());
            return;
        }
        String st = status(j);
        boolean before = st.equals("SUBMITTED") || st.equals("PENDING") || st.equals("RUNNABLE");
        boolean running = st.equals("STARTING") || st.equals("RUNNING");
        if ((before) || (terminate && running)) {
            j.stoppedReason = b.path("reason").asText();
            j.stoppedWhileRunning = running;
        }
        ok(ex, JSON.createObjectNode());
    }

    private static void ok(HttpExchange ex, JsonNode body) throws IOException {
        send(ex, 200, body, null);
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ObjectNode b = JSON.createObjectNode();
        b.put("message", message);
        b.put("__type", type);
        send(ex, status, b, type);
    }

    private static void send(HttpExchange ex, int status, JsonNode body, String errorType) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        if (errorType != null) {
            ex.getResponseHeaders().add("x-amzn-ErrorType", errorType);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
