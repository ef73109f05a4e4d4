package dev.caravan.scheduling;

import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * How long the leader may go without finishing a cycle before health says the scheduler is dead: the configured
 * age, else twice the longest gap between the cron's next firings, and never under five minutes.
 */
public final class CycleAge {

    public static final Duration FLOOR = Duration.ofMinutes(5);

    private CycleAge() {
    }

    public static Duration limit(String cron, Optional<Duration> configured, Instant now) {
        if (configured.isPresent()) {
            return configured.get();
        }
        Duration longest = Duration.ZERO;
        try {
            CronExpression c = new CronExpression(cron);
            Date t = c.getNextValidTimeAfter(Date.from(now));
            for (int i = 0; i < 8 && t != null; i++) {
                Date next = c.getNextValidTimeAfter(t);
                if (next == null) {
                    break;
                }
                Duration gap = Duration.between(t.toInstant(), next.toInstant());
                longest = gap.compareTo(longest) > 0 ? gap : longest;
                t = next;
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a Quartz cron expression: " + cron, e);
        }
        Duration twice = longest.multipliedBy(2);
        return twice.compareTo(FLOOR) > 0 ? twice : FLOOR;
    }

    /** Why the scheduler counts as dead at {@code now}, or empty: no cycle ended since {@code since} for too long. */
    public static Optional<String> problem(Instant since, Optional<Instant> lastCycleEnd, Duration limit, Instant now) {
        Instant from = lastCycleEnd.filter(t -> t.isAfter(since)).orElse(since);
        Duration age = Duration.between(from, now);
        if (age.compareTo(limit) <= 0) {
            return Optional.empty();
        }
        return Optional.of("no cycle has finished for " + age.toSeconds() + " s (limit " + limit.toSeconds() + " s, "
                + (lastCycleEnd.isPresent() ? "last at " + lastCycleEnd.get() : "none since this daemon became leader")
                + "): the scheduler is not running");
    }
}
