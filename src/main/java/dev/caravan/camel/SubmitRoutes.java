package dev.caravan.camel;

import dev.caravan.engine.Engine;
import dev.caravan.engine.Release;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.model.Environment;
import org.apache.camel.builder.RouteBuilder;

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
            // a chain's steps one after the other, each through the throttle: the pace counts submissions
            var steps = from("direct:submit-" + env.name()).routeId("submit-" + env.name())
                    .split(body(), new SubmitOutcomes());
            SubmitPace pace = SubmitPace.of(env);
            if (pace.limited()) {
                steps.process(new SubmitLimiter(pace));
            }
            // a step whose predecessor was not submitted is refused by the engine, so a chain never runs ahead;
            // the outcomes, gathered, are the route's answer. A processor, not a bean call with a Simple expression for
            // its arguments: that was evaluated again for every job, a third of the release path's CPU
            String name = env.name();
            steps.process(e -> e.getMessage().setBody(engine.submit(name, e.getMessage().getBody(Release.class))));
        }
    }
}
