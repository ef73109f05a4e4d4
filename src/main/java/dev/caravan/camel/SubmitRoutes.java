package dev.caravan.camel;

import dev.caravan.engine.Engine;
import dev.caravan.engine.Release;
import dev.caravan.engine.SubmitOutcome;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.model.Environment;
import org.apache.camel.builder.RouteBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code direct:submit-<env>} route per environment, taking one chain of jobs (most chains are one job long; a
 * workflow's steps for one sample make a longer one) and answering with its submissions' outcomes, generated from
 * the settings because its throttle is the environment's own: {@code submit-interval} (ICGC paused 5 s between WES submissions)
 * or {@code submit-rate} per second (AWS Batch's account limit). Fixed plumbing, so Java, not YAML.
 */
final class SubmitRoutes extends RouteBuilder {

    private final CaravanSettings settings;
    private final Engine engine;

    SubmitRoutes(CaravanSettings settings, Engine engine) {
        this.settings = settings;
        this.engine = engine;
    }

    @Override
    public void configure() {
        for (Environment env : settings.environments().values()) {
            SubmitPace pace = SubmitPace.of(env);
            SubmitLimiter limiter = pace.limited() ? new SubmitLimiter(pace) : null;
            String name = env.name();
            // a chain's steps one after the other, each through the throttle: the pace counts submissions. A step
            // whose predecessor was not submitted is refused by the engine, so a chain never runs ahead; the outcomes
            // are the route's answer. One processor walks the chain: a split per chain copied an exchange and ran an
            // aggregation per job, and a bean call with a Simple expression for its arguments was evaluated per job
            from("direct:submit-" + name).routeId("submit-" + name).process(e -> {
                List<?> chain = e.getMessage().getBody(List.class);
                List<SubmitOutcome> outcomes = new ArrayList<>(chain.size());
                for (Object step : chain) {
                    if (limiter != null) {
                        limiter.await();
                    }
                    outcomes.add(engine.submit(name, (Release) step));
                }
                e.getMessage().setBody(outcomes);
            });
        }
    }
}
