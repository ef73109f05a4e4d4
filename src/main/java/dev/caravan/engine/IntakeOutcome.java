package dev.caravan.engine;

import dev.caravan.model.JobRef;

import java.util.List;
import java.util.Set;

/**
 * What an intake operation did: the jobs it changed, what it refused and why (a refused addition changed nothing),
 * and the paths it touched, relative to the tracking repo's root.
 */
public record IntakeOutcome(List<JobRef> changed, List<Refusal> refused, Set<String> touched) {

    /** One job (or file) left alone, and why. */
    public record Refusal(String what, String why) {

        @Override
        public String toString() {
            return what + ": " + why;
        }
    }

    public IntakeOutcome {
        changed = List.copyOf(changed);
        refused = List.copyOf(refused);
        touched = Set.copyOf(touched);
    }

    static IntakeOutcome refusedAll(List<Refusal> refused) {
        return new IntakeOutcome(List.of(), refused, Set.of());
    }

    /** The refusals as one text, for an error message. */
    public String refusals() {
        return String.join("; ", refused.stream().map(Refusal::toString).toList());
    }
}
