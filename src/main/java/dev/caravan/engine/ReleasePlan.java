package dev.caravan.engine;

import dev.caravan.model.Notification;

import java.util.List;

/**
 * The backlog jobs picked for the free slots of one environment, as chains in dependency order (most are one job
 * long), the picks refused before any submission (their parameters could not be read), and what a gate (the batch
 * barrier) newly holds back.
 */
public record ReleasePlan(String env, List<List<Release>> chains, List<String> refused, List<Notification> notes) {

    public ReleasePlan {
        chains = List.copyOf(chains);
        refused = List.copyOf(refused);
        notes = List.copyOf(notes);
    }
}
