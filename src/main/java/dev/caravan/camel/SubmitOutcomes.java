package dev.caravan.camel;

import dev.caravan.engine.SubmitOutcome;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code submitOutcomes} aggregation of a release's splits: each submission's {@link SubmitOutcome} (or a chain's
 * list of them) gathered into one list, which the route hands to the engine's {@code releaseDone}.
 */
public final class SubmitOutcomes implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange gathered, Exchange next) {
        if (gathered == null) {
            List<SubmitOutcome> all = new ArrayList<>();
            add(all, next.getMessage().getBody());
            next.getMessage().setBody(all);
            return next;
        }
        // appended in place: copying the list at every step made a release of n jobs cost n² / 2 copies
        add((List<SubmitOutcome>) gathered.getMessage().getBody(), next.getMessage().getBody());
        return gathered;
    }

    private static void add(List<SubmitOutcome> all, Object body) {
        if (body instanceof SubmitOutcome o) {
            all.add(o);
        } else if (body instanceof List<?> l) {
            for (Object x : l) {
                if (x instanceof SubmitOutcome o) {
                    all.add(o);
                }
            }
        }
    }
}
