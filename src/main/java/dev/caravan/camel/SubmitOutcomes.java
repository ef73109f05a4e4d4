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
    public Exchange aggregate(Exchange gathered, Exchange next) {
        Exchange into = gathered == null ? next : gathered;
        List<SubmitOutcome> all = new ArrayList<>();
        if (gathered != null) {
            add(all, gathered.getMessage().getBody());
        }
        add(all, next.getMessage().getBody());
        into.getMessage().setBody(all);
        return into;
    }

    private static void add(List<SubmitOutcome> all, Object body) {
        if (body instanceof SubmitOutcome o) {
            all.add(o);
        } else if (body instanceof List<?> l) {
            l.stream().filter(SubmitOutcome.class::isInstance).map(SubmitOutcome.class::cast).forEach(all::add);
        }
    }
}
