package dev.caravan.engine;

import java.util.Collection;

/** Where the engine's requests for a cycle go: the daemon's {@code direct:request-cycle}; nowhere in one-shot commands. */
@FunctionalInterface
public interface CycleRequester {

    CycleRequester NONE = (envs, source) -> {
    };

    /**
     * Asks for a cycle of {@code envs} (empty: every environment); {@code source} says why, for the log. Never
     * blocks on the cycle itself.
     */
    void request(Collection<String> envs, String source);
}
