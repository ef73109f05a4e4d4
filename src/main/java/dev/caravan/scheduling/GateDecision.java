package dev.caravan.scheduling;

import dev.caravan.model.Notification;

import java.util.List;
import java.util.Optional;

/**
 * Whether an environment may release jobs in this cycle, and why not.
 *
 * @param flagText when present, the excessive-failure flag file must be written with this text and
 *                 pushed at once
 */
public record GateDecision(boolean releasesAllowed, List<Notification> notifications, Optional<String> flagText) {

    public static GateDecision opened() {
        return new GateDecision(true, List.of(), Optional.empty());
    }

    public static GateDecision closed(Notification why) {
        return new GateDecision(false, List.of(why), Optional.empty());
    }
}
