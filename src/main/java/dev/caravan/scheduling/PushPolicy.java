package dev.caravan.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the scheduler branch goes to the remote: once the push interval has passed since the last push
 * (less five minutes of slack for long intervals, because cron cycles drift), or at once when an
 * excessive-failure flag was just written.
 */
public final class PushPolicy {

    private static final Duration SLACK = Duration.ofMinutes(5);

    private final Duration interval;

    public PushPolicy(Duration interval) {
        this.interval = interval;
    }

    public Duration effectiveInterval() {
        return interval.compareTo(SLACK.multipliedBy(2)) >= 0 ? interval.minus(SLACK) : interval;
    }

    public boolean isDue(Optional<Instant> lastPush, Instant now, boolean urgent) {
        if (urgent) {
            return true;
        }
        return lastPush.map(t -> !now.isBefore(t.plus(effectiveInterval()))).orElse(true);
    }
}
