package dev.caravan.camel;

import dev.caravan.config.CaravanSettings;
import dev.caravan.model.Environment;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;

/**
 * One {@code direct:submit-<env>} route per environment, generated from the settings because its
 * throttle is the environment's own: {@code submit-interval} (ICGC paused 5 s between WES submissions)
 * or {@code submit-rate} per second (AWS Batch's account limit). Fixed plumbing, so Java, not YAML.
 */
final class SubmitRoutes extends RouteBuilder {

    private final CaravanSettings settings;

    SubmitRoutes(CaravanSettings settings) {
        this.settings = settings;
    }

    @Override
    public void configure() {
        for (Environment env : settings.environments().values()) {
            RouteDefinition r = from("direct:submit-" + env.name()).routeId("submit-" + env.name());
            SubmitPace pace = SubmitPace.of(env);
            if (pace.limited()) {
                r.throttle(pace.requests()).timePeriodMillis(pace.periodMillis())
                        .bean("engine", "submit('" + env.name() + "', ${body})");
            } else {
                r.bean("engine", "submit('" + env.name() + "', ${body})");
            }
        }
    }
}
