package dev.caravan.batches.service;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.batches.BatchInputException;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * A start at a given time ({@code jobs/<group>/<batch>/schedule.json}, Mesmerize's scheduler): in the tree, so it
 * survives restarts and moves with the clone; removed when it fires or is cancelled.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Schedule(String at, String fromItem, boolean forceRebuild) {

    static final String FILE = "schedule.json";

    /**
     * ISO-8601 with an offset ({@code 2026-12-02T18:00:00Z}), a local date-time in the daemon's zone, or
     * {@code HH:MM}: the next such time in the daemon's zone. A time in the past is refused.
     */
    static Instant parseAt(String at, Clock clock) {
        String s = at.strip();
        Instant now = clock.instant();
        Instant when;
        try {
            if (s.matches("\\d{1,2}:\\d{2}")) {
                ZonedDateTime today = ZonedDateTime.now(clock).with(LocalTime.parse(s.length() == 4 ? "0" + s : s))
                        .withSecond(0).withNano(0);
                when = (today.toInstant().isAfter(now) ? today : today.plusDays(1)).toInstant();
            } else if (s.endsWith("Z") || s.matches(".*[+-]\\d{2}:\\d{2}$")) {
                when = OffsetDateTime.parse(s).toInstant();
            } else {
                when = java.time.LocalDateTime.parse(s).atZone(clock.getZone()).toInstant();
            }
        } catch (DateTimeParseException e) {
            throw BatchInputException.field("at", "at '" + s + "' is not a time: give ISO-8601"
                    + " (2026-12-02T18:00:00Z) or HH:MM");
        }
        if (!when.isAfter(now)) {
            throw BatchInputException.field("at", "at " + when + " is not in the future");
        }
        return when;
    }
}
