package dev.caravan.camel;

import dev.caravan.batches.service.BatchService;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks the {@code cycle} route for a cycle of one environment without waiting for it (a batch's start must start
 * work within a second), coalesced: while one requested cycle of an environment runs, further requests make one
 * more cycle after it, not one each.
 */
public final class CycleRequests implements BatchService.Signals {

    private enum Phase { RUNNING, AGAIN }

    private final ProducerTemplate producer;
    private final Map<String, Phase> phases = new ConcurrentHashMap<>();

    public CycleRequests(CamelContext context) {
        this.producer = context.createProducerTemplate();
    }

    @Override
    public void requestCycle(String env) {
        boolean[] start = {false};
        phases.compute(env, (k, p) -> {
            start[0] = p == null;
            return p == null ? Phase.RUNNING : Phase.AGAIN;
        });
        if (start[0]) {
            send(env);
        }
    }

    private void send(String env) {
        producer.asyncRequestBodyAndHeader("direct:cycle", null, OneShot.ONLY_ENV, env).whenComplete((r, e) -> {
            boolean[] again = {false};
            phases.compute(env, (k, p) -> {
                again[0] = p == Phase.AGAIN;
                return again[0] ? Phase.RUNNING : null;
            });
            if (again[0]) {
                send(env);
            }
        });
    }
}
