package dev.caravan.camel;

import dev.caravan.engine.Engine;
import dev.caravan.engine.Figures;
import dev.caravan.model.Job;
import dev.caravan.model.RunMarker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Caravan's own figures on {@code /observe/metrics}, beside Camel's, in the registry Camel's Prometheus support
 * serves: jobs per group and state and per environment and state ({@code caravan_jobs}, {@code caravan_env_jobs},
 * counted from the index every {@value #REFRESH_SECONDS} s), cycles, the last cycle's duration and age, and per
 * environment the releases, completions, failures, submit errors, and backend calls with their time.
 */
final class CaravanMetrics implements StartupListener {

    static final int REFRESH_SECONDS = 10;
    private static final List<String> OPERATIONS = List.of("submit", "poll", "find", "cancel");

    private final Engine engine;

    CaravanMetrics(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        MeterRegistry registry = context.getRegistry().findByType(MeterRegistry.class).stream()
                .filter(r -> r.getClass().getSimpleName().startsWith("Prometheus")).findFirst()
                .orElseGet(() -> context.getRegistry().findSingleByType(MeterRegistry.class));
        if (registry == null) {
            return; // metrics off (camel.metrics.enabled) or a one-shot command
        }
        Figures f = engine.figures();
        FunctionCounter.builder("caravan.cycles", f, Figures::cycles)
                .description("cycles finished since start").register(registry);
        Gauge.builder("caravan.cycle.duration.seconds", f, Figures::lastCycleSeconds)
                .description("how long the last finished cycle took").register(registry);
        Gauge.builder("caravan.cycle.age.seconds", engine, e -> e.lastCycleEnd()
                        .map(t -> (double) Duration.between(t, Instant.now()).toMillis() / 1000).orElse(-1.0))
                .description("seconds since the last cycle finished (-1: none yet)").register(registry);
        for (String env : engine.environmentNames(null)) {
            perEnv(registry, "caravan.releases", "jobs released", env, fig -> fig.released());
            perEnv(registry, "caravan.completions", "jobs completed", env, fig -> fig.completed());
            perEnv(registry, "caravan.failures", "jobs failed", env, fig -> fig.failed());
            perEnv(registry, "caravan.submit.errors", "submissions refused or failed", env, fig -> fig.submitErrors());
            for (String op : OPERATIONS) {
                Figures.Call call = new Figures.Call(env, op);
                Tags tags = Tags.of("env", env, "operation", op);
                FunctionCounter.builder("caravan.backend.calls", f, fig -> callsOf(fig, call).count())
                        .description("backend calls").tags(tags).register(registry);
                FunctionCounter.builder("caravan.backend.call.seconds", f, fig -> callsOf(fig, call).nanos() / 1e9)
                        .description("time spent in backend calls").tags(tags).register(registry);
            }
        }
        MultiGauge jobs = MultiGauge.builder("caravan.jobs").description("jobs per group and state").register(registry);
        MultiGauge envJobs = MultiGauge.builder("caravan.env.jobs")
                .description("jobs per environment of their newest run (none: never run) and state").register(registry);
        Runnable refresh = () -> refreshJobs(jobs, envJobs);
        refresh.run();
        ScheduledExecutorService timer = context.getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, "caravan-metrics");
        timer.scheduleWithFixedDelay(refresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    private void perEnv(MeterRegistry registry, String name, String what, String env,
                        Function<Figures, Map<String, Long>> of) {
        FunctionCounter.builder(name, engine.figures(), fig -> of.apply(fig).getOrDefault(env, 0L))
                .description(what + " since start").tag("env", env).register(registry);
    }

    private static Figures.Calls callsOf(Figures f, Figures.Call call) {
        return f.calls().getOrDefault(call, new Figures.Calls(0, 0));
    }

    private void refreshJobs(MultiGauge jobs, MultiGauge envJobs) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        Map<String, Map<String, Integer>> byEnv = new TreeMap<>();
        engine.inspect(t -> {
            t.index().counts().forEach((group, states) -> states.forEach((state, n) ->
                    rows.add(MultiGauge.Row.of(Tags.of("group", group, "state", state.name()), n))));
            for (Job j : t.index().all()) {
                String env = j.newestRun().map(RunMarker::env).orElse("none");
                byEnv.computeIfAbsent(env, k -> new TreeMap<>()).merge(j.state().name(), 1, Integer::sum);
            }
            return null;
        });
        jobs.register(rows, true);
        List<MultiGauge.Row<?>> envRows = new ArrayList<>();
        byEnv.forEach((env, states) -> states.forEach((state, n) ->
                envRows.add(MultiGauge.Row.of(Tags.of("env", env, "state", state), n))));
        envJobs.register(envRows, true);
    }
}
