package dev.caravan.engine;

import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each gate held back on each environment at the last cycle, so that the INFO saying which gate holds which
 * jobs goes out once per change, not once per cycle.
 */
final class GateNotes {

    private final Map<String, List<JobRef>> last = new HashMap<>();

    /** The INFO when the jobs {@code gate} holds back on {@code env} differ from the last cycle's; else empty. */
    Optional<Notification> note(String env, String gate, String why, List<JobRef> heldBack) {
        String key = env + " " + gate;
        if (heldBack.isEmpty()) {
            last.remove(key);
            return Optional.empty();
        }
        if (heldBack.equals(last.put(key, List.copyOf(heldBack)))) {
            return Optional.empty();
        }
        return Optional.of(Notification.info(CycleContext.listing(why + ": " + heldBack.size()
                + " backlog jobs held back", heldBack.stream().map(JobRef::path).toList())));
    }

    /** The gate no longer holds anything on {@code env}: the next time it does is a change again. */
    void clear(String env, String gate) {
        last.remove(env + " " + gate);
    }
}
