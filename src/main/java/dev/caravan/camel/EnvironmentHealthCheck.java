package dev.caravan.camel;

import dev.caravan.engine.Engine;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** DOWN when the environment's backend could not be polled in the last cycle or says it is unwell. */
final class EnvironmentHealthCheck extends AbstractHealthCheck {

    private final Engine engine;
    private final String env;

    EnvironmentHealthCheck(Engine engine, String env) {
        super("caravan", "environment-" + env);
        this.engine = engine;
        this.env = env;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("environment", env);
        engine.environmentProblem(env).ifPresentOrElse(p -> builder.message(p).down(), builder::up);
    }
}
