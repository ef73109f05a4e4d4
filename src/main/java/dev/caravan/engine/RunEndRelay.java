package dev.caravan.engine;

import dev.caravan.backend.RunEnds;

import java.util.List;

/** Hands a backend's "a run ended" to whatever requests cycles; made before the context it reports to exists. */
final class RunEndRelay implements RunEnds {

    volatile CycleContext ctx;

    @Override
    public void ended(String env) {
        CycleContext c = ctx;
        if (c != null) {
            c.requester.request(List.of(env), "run end");
        }
    }
}
