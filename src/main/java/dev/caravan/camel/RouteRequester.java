package dev.caravan.camel;

import dev.caravan.engine.CycleRequester;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;

/**
 * The engine's requests for cycles (a run's end, an intake) into {@code direct:request-cycle}, where they are
 * coalesced like the cron's and the timers' (routes/cycle.camel.yaml). Hands over and returns: the cycle runs on the
 * route's own thread.
 */
final class RouteRequester implements CycleRequester {

    static final String ENVS = "CaravanEnvs";
    static final String SOURCE = "CaravanCycleSource";
    private static final Logger LOG = LoggerFactory.getLogger(RouteRequester.class);

    private final CamelContext context;
    private volatile ProducerTemplate template;

    RouteRequester(CamelContext context) {
        this.context = context;
    }

    @Override
    public void request(Collection<String> envs, String source) {
        if (!context.getStatus().isStarted()) {
            return; // the first cycle after start-up covers it
        }
        try {
            template().sendBodyAndHeaders("direct:request-cycle", null, Map.of(ENVS, String.join(",", envs), SOURCE, source));
        } catch (RuntimeException e) {
            // a stopping daemon; the cron's cycle (or the next start's first one) picks the change up
            LOG.debug("Cycle request ({}) not delivered: {}", source, e.getMessage());
        }
    }

    private ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                t = template;
            }
        }
        return t;
    }
}
