package dev.caravan.camel;

import dev.caravan.engine.Engine;
import dev.caravan.scheduling.CycleAge;
import dev.caravan.tracking.CycleLock;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * DOWN when this daemon leads the tracking repo and no cycle has finished for longer than the limit
 * ({@code caravan.health.max-cycle-age}; default twice the cron interval, at least 5 minutes): a scheduler whose
 * trigger or cycle route is gone looks alive otherwise. A standby is UP and says so.
 */
final class SchedulerHealthCheck extends AbstractHealthCheck {

    private final Engine engine;
    private final CamelClusterService cluster;
    private final Duration limit;
    private final Clock clock;
    /** When this check first saw this daemon lead: the age counts from there until its first cycle ends. */
    private volatile Instant leaderSince;

    SchedulerHealthCheck(Engine engine, CamelClusterService cluster, Duration limit, Clock clock) {
        super("caravan", "scheduler");
        this.engine = engine;
        this.cluster = cluster;
        this.limit = limit;
        this.clock = clock;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("max.cycle.age.seconds", limit.toSeconds());
        engine.lastCycleEnd().ifPresent(t -> builder.detail("last.cycle", t.toString()));
        boolean leader;
        try {
            leader = cluster.getView(CycleLock.NAMESPACE).getLocalMember().isLeader();
        } catch (Exception e) {
            builder.message("cannot tell whether this daemon leads the tracking repo: " + e.getMessage()).down();
            return;
        }
        if (!leader) {
            leaderSince = null;
            builder.detail("role", "standby").up();
            return;
        }
        builder.detail("role", "leader");
        Instant now = clock.instant();
        if (leaderSince == null) {
            leaderSince = now;
        }
        CycleAge.problem(leaderSince, engine.lastCycleEnd(), limit, now)
                .ifPresentOrElse(p -> builder.message(p).down(), builder::up);
    }
}
