package dev.caravan.camel;

import dev.caravan.engine.Engine;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** DOWN when the tracking repo is gone or the last cycle failed. */
final class TrackingHealthCheck extends AbstractHealthCheck {

    private final Engine engine;

    TrackingHealthCheck(Engine engine) {
        super("caravan", "tracking-repo");
        this.engine = engine;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("tracking.dir", engine.trackingDir().toString());
        builder.detail("jobs", engine.inspect(t -> t.index().size()));
        engine.lastCycleEnd().ifPresent(t -> builder.detail("last.cycle", t.toString()));
        engine.trackingProblem().ifPresentOrElse(p -> builder.message(p).down(), builder::up);
    }
}
