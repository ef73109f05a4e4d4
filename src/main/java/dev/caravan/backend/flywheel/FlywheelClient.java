package dev.caravan.backend.flywheel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.BackendException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small REST client for one Flywheel instance, {@code <site>/api}, authenticated with
 * {@code Authorization: scitran-user <api key>}. It covers what Caravan needs: look up containers by path,
 * read projects, find the latest version of a gear, add, find, read, retry and cancel jobs.
 *
 * <p>Reads (GET and the read-only lookup) are tried up to three times on a 5xx answer, a timeout or a
 * broken connection; writes (add, retry, cancel) are tried once, because the caller has its own way to
 * find out whether a lost request arrived. 401 and 403 are critical: the key is refused, nothing on this
 * instance can work; another 4xx is bad input; 5xx, 429 and no answer are retryable. Messages name the request and
 * never the key.
 */
public final class FlywheelClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int READ_ATTEMPTS = 3;
    private static final int MAX_MESSAGE = 300;

    /** A gear version as {@code GET /api/gears} lists it. */
    public record Gear(String id, String name, String version, Optional<Instant> created) {
    }

    /**
     * A project: {@code acquisitionFiles} is {@code stats.number_of.acquisition_files}, {@code files} the
     * names of the files attached to the project itself.
     */
    public record Project(String id, String group, String label, long acquisitionFiles, List<String> files,
                          JsonNode info) {

        public String path() {
            return group + "/" + label;
        }
    }

    private final URI api;
    private final ApiKey key;
    private final Duration timeout;
    private final HttpClient http;
    private final AtomicLong requests = new AtomicLong();

    public FlywheelClient(URI site, ApiKey key, Duration timeout) {
        String s = site.toString();
        this.api = URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/api/");
        this.key = key;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    /** How many HTTP requests this client has sent (for benchmarks and tests). */
    public long requests() {
        return requests.get();
    }

    public URI api() {
        return api;
    }

    // --- containers --------------------------------------------------------------------------

    /** {@code POST /api/lookup {"path": [...]}}: the container at a path such as {@code [group, project label]}. */
    public Optional<JsonNode> lookup(List<String> path) throws BackendException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode p = body.putArray("path");
        path.forEach(p::add);
        return read("POST", "lookup", body, "look up " + String.join("/", path));
    }

    /** The project {@code <group>/<label>} with its file count, files and info; empty when there is none. */
    public Optional<Project> project(String group, String label) throws BackendException {
        Optional<JsonNode> found = lookup(List.of(group, label));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = found.get();
        if (n.path("stats").isMissingNode()) {
            String id = n.path("_id").asText(n.path("id").asText(""));
            return projectById(id);
        }
        return Optional.of(project(n, group));
    }

    /** {@code GET /api/projects/{id}?stats=true}. */
    public Optional<Project> projectById(String id) throws BackendException {
        return read("GET", "projects/" + enc(id) + "?stats=true", null, "read project " + id)
                .map(n -> project(n, ""));
    }

    private static Project project(JsonNode n, String group) {
        List<String> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(f.path("name").asText()));
        String g = n.path("group").asText(n.path("parents").path("group").asText(group));
        return new Project(n.path("_id").asText(n.path("id").asText("")), g, n.path("label").asText(),
                n.path("stats").path("number_of").path("acquisition_files").asLong(0), List.copyOf(files),
                n.path("info"));
    }

    // --- gears -------------------------------------------------------------------------------

    /** The newest version of the gear called {@code name} ({@code GET /api/gears?filter=gear.name=...}). */
    public Optional<Gear> latestGear(String name) throws BackendException {
        Optional<JsonNode> list = read("GET", "gears?filter=" + enc("gear.name=" + name) + "&all_versions=true",
                null, "find gear " + name);
        List<Gear> gears = new ArrayList<>();
        list.ifPresent(n -> results(n).forEach(g -> {
            JsonNode info = g.path("gear");
            if (info.path("name").asText().equals(name)) {
                gears.add(new Gear(g.path("_id").asText(g.path("id").asText()), name, info.path("version").asText(""),
                        FlywheelJob.time(g.path("created"))));
            }
        }));
        return gears.stream().max(Comparator.comparing(Gear::version, FlywheelClient::compareVersions)
                .thenComparing(g -> g.created().orElse(Instant.EPOCH)));
    }

    /** Dotted versions compared part by part, numbers as numbers ({@code 1.10.0 > 1.9.2}). */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[.\\-+]");
        String[] y = b.split("[.\\-+]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            int c;
            if (p.matches("\\d{1,18}") && q.matches("\\d{1,18}")) {
                c = Long.compare(Long.parseLong(p), Long.parseLong(q));
            } else {
                c = p.compareTo(q);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    // --- jobs --------------------------------------------------------------------------------

    /** {@code POST /api/jobs/add}; returns the new job's id. Tried once (see the class comment). */
    public String addJob(ObjectNode job) throws BackendException {
        JsonNode n = write("POST", "jobs/add", job, "add a job of gear " + job.path("gear_id").asText());
        return id(n, "jobs/add");
    }

    /**
     * {@code GET /api/jobs?filter=...&sort=...&limit=...}: Flywheel's filter syntax, terms joined with commas,
     * such as {@code parents.group=adrc,state=complete,gear_info.name=my-gear}.
     */
    public List<FlywheelJob> findJobs(String filter, String sort, int limit) throws BackendException {
        StringBuilder q = new StringBuilder("jobs?filter=").append(enc(filter));
        if (sort != null && !sort.isEmpty()) {
            q.append("&sort=").append(enc(sort));
        }
        if (limit > 0) {
            q.append("&limit=").append(limit);
        }
        List<FlywheelJob> out = new ArrayList<>();
        read("GET", q.toString(), null, "find jobs " + filter).ifPresent(n -> results(n).forEach(j -> out.add(FlywheelJob.of(j))));
        return out;
    }

    /** {@code GET /api/jobs/{id}}; empty when Flywheel has no such job. */
    public Optional<FlywheelJob> job(String id) throws BackendException {
        return read("GET", "jobs/" + enc(id), null, "read job " + id).map(FlywheelJob::of);
    }

    /** {@code POST /api/jobs/{id}/retry}: a new job with {@code previous_job_id} = id; returns its id. */
    public String retry(String id) throws BackendException {
        JsonNode n = write("POST", "jobs/" + enc(id) + "/retry", JSON.createObjectNode(), "retry job " + id);
        return id(n, "jobs/" + id + "/retry");
    }

    /** {@code PUT /api/jobs/{id} {"state": "cancelled"}}. */
    public void cancel(String id) throws BackendException {
        ObjectNode body = JSON.createObjectNode().put("state", FlywheelJob.CANCELLED);
        write("PUT", "jobs/" + enc(id), body, "cancel job " + id);
    }

    // --- HTTP --------------------------------------------------------------------------------

    private static String id(JsonNode n, String what) throws BackendException {
        String id = n.path("_id").asText(n.path("id").asText(""));
        if (id.isEmpty()) {
            // it may have acted: the caller finds out by the job's tag
            throw BackendException.retryable("Flywheel answered " + what + " without a job id");
        }
        return id;
    }

    /** A list answer, or the {@code results} of a paginated one. */
    private static Iterable<JsonNode> results(JsonNode n) {
        return n.isArray() ? n : n.path("results");
    }

    private Optional<JsonNode> read(String method, String path, JsonNode body, String what) throws BackendException {
        BackendException last = null;
        for (int attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
            try {
                return send(method, path, body, what);
            } catch (Transient e) {
                last = e.exception;
                if (attempt < READ_ATTEMPTS) {
                    pause(attempt);
                }
            }
        }
        throw last;
    }

    private JsonNode write(String method, String path, JsonNode body, String what) throws BackendException {
        try {
            return send(method, path, body, what).orElseThrow(() -> BackendException.badInput("Flywheel: cannot " + what
                    + ": not found (HTTP 404)"));
        } catch (Transient e) {
            throw e.exception;
        }
    }

    /** A failure worth another try for a read. */
    private static final class Transient extends Exception {
        final BackendException exception;

        Transient(BackendException exception) {
            super(exception.getMessage(), null, false, false);
            this.exception = exception;
        }
    }

    private Optional<JsonNode> send(String method, String path, JsonNode body, String what)
            throws BackendException, Transient {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(timeout)
                .header("Authorization", "scitran-user " + key.value())
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        requests.incrementAndGet();
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new Transient(BackendException.retryable("Flywheel: no answer within " + timeout.toSeconds()
                    + " s to " + what + " (" + method + " /api/" + path + ")"));
        } catch (IOException e) {
            throw new Transient(BackendException.retryable("Flywheel: cannot " + what + ": "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BackendException.retryable("interrupted while asking Flywheel to " + what);
        }
        int status = r.statusCode();
        if (status == 404) {
            return Optional.empty();
        }
        if (status == 401 || status == 403) {
            throw BackendException.critical("Flywheel at " + api + " refused the API key of site " + key.site()
                    + " (HTTP " + status + ") when asked to " + what + message(r.body()));
        }
        if (status >= 500 || status == 429) {
            throw new Transient(BackendException.retryable("Flywheel: cannot " + what + ": HTTP " + status
                    + message(r.body())));
        }
        if (status >= 300) {
            throw BackendException.badInput("Flywheel refused to " + what + ": HTTP " + status + message(r.body()));
        }
        try {
            String text = r.body();
            return Optional.of(text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new Transient(BackendException.retryable("Flywheel: cannot " + what + ": the answer is not JSON"));
        }
    }

    private static String message(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String m = body;
        try {
            JsonNode n = JSON.readTree(body);
            if (n.hasNonNull("message")) {
                m = n.get("message").asText();
            }
        } catch (JsonProcessingException e) {
            // plain text answer
        }
        m = m.replace('\n', ' ').strip();
        return ": " + (m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m);
    }

    private static void pause(int attempt) throws BackendException {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BackendException.retryable("interrupted while waiting to ask Flywheel again");
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
