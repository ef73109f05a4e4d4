package dev.caravan.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

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
    private final AtomicBoolean leader = new AtomicBoolean();

    FirstCycleOnLeadership(CamelClusterService cluster, String namespace) {
        this.cluster = cluster;
        this.namespace = namespace;
    }

    /** Whether this daemon holds the cycle lock now, as the last leadership event said. */
    boolean isLeader() {
        return leader.get();
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        CamelClusterView view = cluster.getView(namespace);
        ProducerTemplate template = context.createProducerTemplate();
        view.addEventListener((CamelClusterEventListener.Leadership) (v, member) -> {
            leader.set(member != null && member.isLocal());
            if (member != null && member.isLocal() && done.compareAndSet(false, true)) {
                LOG.info("Leader of the tracking repo: first cycle now");
                template.asyncSendBody("direct:cycle", null);
            }
        });
        leader.set(view.getLocalMember().isLeader());
        if (view.getLocalMember().isLeader() && done.compareAndSet(false, true)) {
            template.asyncSendBody("direct:cycle", null);
        }
    }
}
