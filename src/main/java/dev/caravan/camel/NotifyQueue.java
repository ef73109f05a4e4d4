package dev.caravan.camel;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;

import java.time.Duration;

/**
 * The {@code notify} route's queue, seen from outside. {@code cycle --once} waits here for its messages to go out
 * before it stops Camel: Camel's graceful shutdown checks for exchanges in flight only once a second, so stopping
 * while the last Slack post is under way would cost that second.
 */
public final class NotifyQueue {

    static final String ROUTE_ID = "notify";
    private static final long CHECK_EVERY_MILLIS = 10;

    private NotifyQueue() {
    }

    /** Long enough for a backlog of messages paced a second apart; Camel's stop finishes whatever is left. */
    static final Duration DEFAULT_MAX = Duration.ofSeconds(60);

    /** {@link #awaitDrained(CamelContext, Duration)} for at most {@link #DEFAULT_MAX}. */
    public static boolean awaitDrained(CamelContext context) throws InterruptedException {
        return awaitDrained(context, DEFAULT_MAX);
    }

    /**
     * Waits until nothing is queued for or being handled by the notify route, at most {@code max}. Returns whether
     * it drained; when not, Camel's shutdown still completes the remaining messages (the route says so).
     */
    public static boolean awaitDrained(CamelContext context, Duration max) throws InterruptedException {
        Route route = context.getRoute(ROUTE_ID);
        if (route == null || !(route.getEndpoint() instanceof SedaEndpoint queue)) {
            return true;
        }
        long deadline = System.nanoTime() + max.toNanos();
        int quietChecks = 0;
        // two quiet checks in a row: a message between the queue and the route's in-flight count is not missed
        while (quietChecks < 2) {
            boolean quiet = queue.getCurrentQueueSize() == 0 && context.getInflightRepository().size(ROUTE_ID) == 0;
            quietChecks = quiet ? quietChecks + 1 : 0;
            if (quietChecks < 2) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(CHECK_EVERY_MILLIS);
            }
        }
        return true;
    }
}
