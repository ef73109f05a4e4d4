package dev.caravan.camel;

import dev.caravan.engine.Engine;
import dev.caravan.settings.CaravanSettings;
import org.apache.camel.builder.RouteBuilder;

import java.time.Duration;

/**
 * The timers among the sources of cycle requests, made from the settings because there is one per environment:
 * {@code poll-trigger-<env>} every {@code caravan.env.<env>.poll-interval} (a remote service is asked about the runs in
 * flight once per interval, however many other requests there are), and {@code fetch-trigger} every
 * {@code caravan.tracking.fetch-interval} (an operator's push to the admin branch starts a cycle that merges it). Both
 * on the cycle-lock holder only; a zero interval means no timer. Every request goes to {@code direct:request-cycle}.
 */
final class EventRoutes extends RouteBuilder {

    private final CaravanSettings settings;
    private final Engine engine;

    EventRoutes(CaravanSettings settings, Engine engine) {
        this.settings = settings;
        this.engine = engine;
    }

    @Override
    public void configure() {
        engine.pollIntervals().forEach((env, every) -> {
            if (every.isZero()) {
                return;
            }
            engine.pollOnTimer(env);
            from(timer("poll-" + env, every)).routeId("poll-trigger-" + env)
                    .bean("engine", "pollRoundDue('" + env + "')")
                    .setHeader(RouteRequester.ENVS, constant(env))
                    .setHeader(RouteRequester.SOURCE, constant("poll interval"))
                    .to("direct:request-cycle");
        });
        Duration fetch = settings.cycleSources().fetchInterval();
        if (!fetch.isZero() && !settings.trackingRemote().isBlank()) {
            engine.fetchOnTimer();
            from(timer("fetch", fetch)).routeId("fetch-trigger")
                    .filter().method("engine", "adminChanged")
                    .setHeader(RouteRequester.ENVS, constant(""))
                    .setHeader(RouteRequester.SOURCE, constant("admin branch pushed"))
                    .to("direct:request-cycle");
        }
    }

    /** A fixed-rate timer that runs only while this daemon holds the cycle lock. */
    private static String timer(String name, Duration every) {
        return "master:cycle:timer:caravan-" + name + "?period=" + every.toMillis() + "&delay=" + every.toMillis();
    }
}
