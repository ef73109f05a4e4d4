package dev.caravan.engine;

import java.util.Collection;
import java.util.List;

/** The message of one commit that takes in what the cycle and any number of intakes staged since the last one. */
final class CommitMessages {

    private CommitMessages() {
    }

    static String combine(Collection<String> pending) {
        if (pending.size() == 1) {
            return pending.iterator().next();
        }
        List<String> intakes = pending.stream().filter(m -> !m.equals(CycleContext.CYCLE_COMMIT)).toList();
        if (intakes.isEmpty()) {
            return CycleContext.CYCLE_COMMIT;
        }
        // the subject stays the cycle's (ICGC's own tools look for it); each intake keeps its whole message below
        return CycleContext.CYCLE_COMMIT + "\n\n" + String.join("\n\n", intakes);
    }
}
