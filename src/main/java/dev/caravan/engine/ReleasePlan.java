package dev.caravan.engine;

import java.util.List;

/**
 * The backlog jobs picked for the free slots of one environment, as chains in dependency order (most are one job
 * long), and the picks refused before any submission (their parameters could not be read).
 */
public record ReleasePlan(String env, List<List<Release>> chains, List<String> refused) {

    public ReleasePlan {
        chains = List.copyOf(chains);
        refused = List.copyOf(refused);
    }
}
