package dev.caravan.web;

import dev.caravan.engine.Engine;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import org.apache.camel.builder.RouteBuilder;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/environments}: every environment with its backend kind, runs in flight against its maximum, its
 * gates (paused, stopped for excessive failures), its health and the age of the last cycle: what the dashboard's
 * overview shows. Read only; the gates are the flag files of the tracking tree.
 */
public final class EnvironmentsApi extends RouteBuilder {

    private final Engine engine;
    private final Map<String, Environment> environments;

    public EnvironmentsApi(Engine engine, Map<String, Environment> environments) {
        this.engine = engine;
        this.environments = environments;
    }

    @Override
    public void configure() {
        rest("/").get("/environments").to("direct:api-environments");
        from("direct:api-environments").routeId("api-environments").process(e -> BatchApi.json(e, 200, view()));
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
        Path jobs = engine.trackingDir().resolve("jobs");
        Instant last = engine.lastCycleEnd().orElse(null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Environment env : environments.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", env.name());
            m.put("backend", env.backend());
            m.put("in_flight", inFlight.getOrDefault(env.name(), 0));
            m.put("max_parallel_runs", env.maxParallelRuns());
            m.put("paused", Files.exists(jobs.resolve("pause." + env.name()), LinkOption.NOFOLLOW_LINKS));
            m.put("excessive_failure", Files.exists(jobs.resolve("excessive_failure." + env.name() + ".txt"), LinkOption.NOFOLLOW_LINKS));
            m.put("health", engine.environmentProblem(env.name()).orElse("ok"));
            m.put("last_cycle_end", last == null ? null : last.toString());
            m.put("last_cycle_age_s", last == null ? null : Duration.between(last, Instant.now()).toSeconds());
            out.add(m);
        }
        return out;
    }
}
