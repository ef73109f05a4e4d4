package dev.caravan.web;

import dev.caravan.batches.BatchInputException;
import dev.caravan.engine.Engine;
import dev.caravan.engine.EnvironmentGates;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.report.Throughput;
import dev.caravan.settings.ConfigException;
import dev.caravan.settings.Durations;
import dev.caravan.tracking.StateHistory;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/environments}: every environment with its backend kind, runs in flight against its maximum, its
 * gates (paused, stopped for excessive failures, the batch a barrier releases from and what it holds back), its
 * health and the age of the last cycle: what the dashboard's overview shows. {@code GET /api/environments/history}:
 * completions and failures per environment and time bucket from the tracking history ({@link Throughput}), the
 * overview's chart. Read only.
 */
public final class EnvironmentsApi extends RouteBuilder {

    /** The longest window of the history. */
    static final int MAX_HOURS = 168;

    private final Engine engine;
    private final Map<String, Environment> environments;
    private final StateHistory history;

    public EnvironmentsApi(Engine engine, Map<String, Environment> environments) {
        this.engine = engine;
        this.environments = environments;
        this.history = new StateHistory(engine.trackingDir());
    }

    @Override
    public void configure() {
        onException(Exception.class).handled(true).process(e -> {
            ApiError a = ApiError.of(e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
            BatchApi.json(e, a.status(), a.body());
        });
        rest("/").get("/environments").to("direct:api-environments")
                .get("/environments/history").to("direct:api-environments-history");
        // off the event loop, as every read: this one waits for a running cycle's lock, the history's first read
        // diffs the window's commits, and meanwhile the event stream must go on
        from("direct:api-environments").routeId("api-environments").threads(1, 4).process(e -> BatchApi.json(e, 200, view()));
        from("direct:api-environments-history").routeId("api-environments-history").threads(1, 4)
                .process(e -> BatchApi.json(e, 200, history(e.getMessage().getHeader("hours", String.class),
                        e.getMessage().getHeader("bucket", String.class), Instant.now())));
    }

    List<Map<String, Object>> view() {
        Map<String, Integer> inFlight = engine.intake().read(t -> {
            Map<String, Integer> n = new LinkedHashMap<>();
            for (Job j : t.index().all()) {
                for (String env : environments.keySet()) {
                    if (j.inFlightOn(env)) {
                        n.merge(env, 1, Integer::sum);
                    }
                }
            }
            return n;
        });
        Instant last = engine.lastCycleEnd().orElse(null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Environment env : environments.values()) {
            EnvironmentGates g = engine.gatesOf(env.name());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", env.name());
            m.put("backend", env.backend());
            m.put("in_flight", inFlight.getOrDefault(env.name(), 0));
            m.put("max_parallel_runs", env.maxParallelRuns());
            m.put("paused", g.paused());
            m.put("excessive_failure", g.excessiveFailure());
            m.put("barrier_batch", g.barrierBatch().orElse(null));
            m.put("barrier_held", g.heldByBarrier());
            m.put("health", engine.environmentProblem(env.name()).orElse("ok"));
            m.put("last_cycle_end", last == null ? null : last.toString());
            m.put("last_cycle_age_s", last == null ? null : Duration.between(last, Instant.now()).toSeconds());
            out.add(m);
        }
        return out;
    }

    Map<String, Object> history(String hoursParam, String bucketParam, Instant now) {
        int hours = 24;
        if (hoursParam != null && !hoursParam.isBlank()) {
            try {
                hours = Integer.parseInt(hoursParam.strip());
            } catch (NumberFormatException x) {
                throw BatchInputException.field("hours", "hours must be a whole number of hours, got '" + hoursParam + "'");
            }
            if (hours < 1 || hours > MAX_HOURS) {
                throw BatchInputException.field("hours", "hours must be 1 to " + MAX_HOURS + ", got " + hours);
            }
        }
        Duration window = Duration.ofHours(hours);
        Duration bucket;
        if (bucketParam == null || bucketParam.isBlank()) {
            // about 24 bars, whole minutes
            bucket = Duration.ofMinutes(Math.max(1, (window.toMinutes() + 23) / 24));
        } else {
            try {
                bucket = Durations.parse("bucket", bucketParam);
            } catch (ConfigException x) {
                throw BatchInputException.field("bucket", "bucket '" + bucketParam + "' is not a duration (like 5m, 1h)");
            }
            if (bucket.getSeconds() < 60 || bucket.compareTo(window) > 0) {
                throw BatchInputException.field("bucket", "bucket must be 1m to the window (" + hours + "h), got " + bucketParam);
            }
            if (window.getSeconds() / bucket.getSeconds() > Throughput.MAX_BUCKETS) {
                throw BatchInputException.field("bucket", "at most " + Throughput.MAX_BUCKETS + " buckets: " + bucketParam
                        + " is too small for " + hours + "h");
            }
        }
        Throughput t = Throughput.of(history, now, window, bucket, environments.keySet());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", t.from().toString());
        m.put("to", t.to().toString());
        m.put("bucket_s", t.bucket().getSeconds());
        m.put("buckets", t.starts().stream().map(Instant::toString).toList());
        List<Map<String, Object>> envs = new ArrayList<>();
        t.environments().forEach((name, s) -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", name);
            e.put("completed", s.completed());
            e.put("failed", s.failed());
            e.put("total_completed", s.totalCompleted());
            e.put("total_failed", s.totalFailed());
            envs.add(e);
        });
        m.put("environments", envs);
        m.put("commits", t.commits());
        m.put("truncated", t.truncated());
        m.put("head", t.head());
        return m;
    }
}
