package dev.caravan.camel;

import dev.caravan.engine.Engine;
import dev.caravan.engine.EnvironmentGates;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * DOWN when the environment's backend could not be polled in the last cycle or says it is unwell. Its gates are
 * details: paused, stopped for excessive failures, the batch the barrier releases from.
 */
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
        EnvironmentGates g = engine.gatesOf(env);
        builder.detail("gate.paused", g.paused());
        builder.detail("gate.excessive.failure", g.excessiveFailure());
        g.barrierBatch().ifPresent(b -> builder.detail("gate.barrier.batch", b));
        engine.environmentProblem(env).ifPresentOrElse(p -> builder.message(p).down(), builder::up);
    }
}
