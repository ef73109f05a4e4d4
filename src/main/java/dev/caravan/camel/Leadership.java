package dev.caravan.camel;

import org.apache.camel.cluster.CamelClusterService;

/**
 * Whether this daemon holds the cycle lock: events (a run's end, an intake) reach every daemon sharing a tracking
 * repo, but only the leader runs cycles, like the cron's {@code master:} route.
 */
public final class Leadership {

    private final CamelClusterService cluster;
    private final String namespace;

    Leadership(CamelClusterService cluster, String namespace) {
        this.cluster = cluster;
        this.namespace = namespace;
    }

    public boolean isLeader() throws Exception {
        return cluster.getView(namespace).getLocalMember().isLeader();
    }
}
