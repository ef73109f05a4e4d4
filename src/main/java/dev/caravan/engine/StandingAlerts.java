package dev.caravan.engine;

import dev.caravan.model.Notification;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Conditions that stand for many cycles (a remote down, a conflict, an excessive-failure flag, a stopped cycle):
 * each is announced once when it starts, again every {@code caravan.alerts.reminder-interval} (0: never) while it
 * lasts, and once when it clears. Without this, a condition that lasts an afternoon sends one CRITICAL per cycle.
 * Kept in memory: a restarted daemon announces what still stands once more.
 */
final class StandingAlerts {

    private record Standing(Instant since, Instant lastSent, boolean remind) {
    }

    private final Duration reminder;
    private final Map<String, Standing> standing = new LinkedHashMap<>();

    StandingAlerts(Duration reminder) {
        this.reminder = reminder;
    }

    /** The condition {@code key} holds now: {@code n} when it is new or a reminder is due, else nothing. */
    synchronized List<Notification> raise(String key, Notification n, Instant now) {
        return raise(key, n, now, true);
    }

    /** As {@link #raise(String, Notification, Instant)}, said once only: for advice that a reminder would not improve. */
    synchronized List<Notification> raiseOnce(String key, Notification n, Instant now) {
        return raise(key, n, now, false);
    }

    private List<Notification> raise(String key, Notification n, Instant now, boolean remind) {
        Standing s = standing.get(key);
        if (s == null) {
            standing.put(key, new Standing(now, now, remind));
            return List.of(n);
        }
        if (!s.remind() || reminder.isZero() || Duration.between(s.lastSent(), now).compareTo(reminder) < 0) {
            return List.of();
        }
        standing.put(key, new Standing(s.since(), now, true));
        return List.of(new Notification(n.level(), n.text() + " (still so, since "
                + s.since().truncatedTo(ChronoUnit.SECONDS) + ")"));
    }

    /** The condition {@code key} no longer holds: one INFO saying so if it was announced, else nothing. */
    synchronized List<Notification> clear(String key, String text) {
        return standing.remove(key) == null ? List.of() : List.of(Notification.info(text));
    }

    /** Clears every condition whose key starts with {@code prefix} and is not in {@code still}. */
    synchronized List<Notification> clearAllBut(String prefix, java.util.Set<String> still,
                                                java.util.function.Function<String, String> text) {
        List<String> gone = standing.keySet().stream().filter(k -> k.startsWith(prefix) && !still.contains(k)).toList();
        gone.forEach(standing::remove);
        return gone.stream().map(k -> Notification.info(text.apply(k))).toList();
    }

    synchronized boolean holds(String key) {
        return standing.containsKey(key);
    }

    synchronized Optional<Instant> since(String key) {
        return Optional.ofNullable(standing.get(key)).map(Standing::since);
    }
}
