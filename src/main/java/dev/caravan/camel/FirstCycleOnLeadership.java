package dev.caravan.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the leader's first cycle the moment it takes the cycle lock, instead of at the next cron time.
 * A {@code master:} route would add Camel's fixed one-second start delay; listening to the cluster view
 * itself does not. Later cycles follow {@code caravan.cycle.cron} in routes/cycle.camel.yaml.
 */
final class FirstCycleOnLeadership implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(FirstCycleOnLeadership.class);

    private final CamelClusterService cluster;
    private final String namespace;
    private final AtomicBoolean done = new AtomicBoolean();
    /** Since when this daemon holds the cycle lock, as the leadership events said; null while it does not. */
    private final AtomicReference<Instant> leaderSince = new AtomicReference<>();

    FirstCycleOnLeadership(CamelClusterService cluster, String namespace) {
        this.cluster = cluster;
        this.namespace = namespace;
    }

    /** Whether this daemon holds the cycle lock now, as the last leadership event said. */
    boolean isLeader() {
        return leaderSince.get() != null;
    }

    /**
     * Since when this daemon holds the cycle lock (noted when the leadership event came, just after the lock was
     * taken); empty while it does not. Git lock files older than that are a former leader's.
     */
    Optional<Instant> leaderSince() {
        return Optional.ofNullable(leaderSince.get());
    }

    private void leads(boolean local) {
        if (local) {
            leaderSince.compareAndSet(null, Instant.now()); // a repeated event keeps the first moment
        } else {
            leaderSince.set(null);
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        CamelClusterView view = cluster.getView(namespace);
        ProducerTemplate template = context.createProducerTemplate();
        view.addEventListener((CamelClusterEventListener.Leadership) (v, member) -> {
            leads(member != null && member.isLocal());
            if (member != null && member.isLocal() && done.compareAndSet(false, true)) {
                LOG.info("Leader of the tracking repo: first cycle now");
                template.asyncSendBody("direct:cycle", null);
            }
        });
        leads(view.getLocalMember().isLeader());
        if (view.getLocalMember().isLeader() && done.compareAndSet(false, true)) {
            template.asyncSendBody("direct:cycle", null);
        }
    }
}
