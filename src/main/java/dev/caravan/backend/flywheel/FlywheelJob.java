package dev.caravan.backend.flywheel;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Caravan reads of a Flywheel job document ({@code GET /api/jobs/{id}}).
 *
 * @param retried       Flywheel retried this job by itself (its {@code retried} timestamp is set): a new job
 *                      with {@code previous_job_id} = this id exists
 * @param transitions   {@code transitions.<state>} timestamps, where present
 */
public record FlywheelJob(String id, String state, boolean retried, Optional<String> previousJobId,
                          Optional<Instant> created, Optional<Instant> completedAt, Optional<Instant> failedAt,
                          List<String> tags, Optional<String> gearName, Optional<String> group,
                          Optional<String> failureReason) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String COMPLETE = "complete";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public FlywheelJob {
        tags = List.copyOf(tags);
    }

    static FlywheelJob of(JsonNode n) {
        String id = text(n, "_id").or(() -> text(n, "id")).orElse("");
        List<String> tags = new ArrayList<>();
        n.path("tags").forEach(t -> tags.add(t.asText()));
        JsonNode tr = n.path("transitions");
        JsonNode retried = n.path("retried");
        return new FlywheelJob(id, n.path("state").asText(""),
                !retried.isMissingNode() && !retried.isNull() && !retried.asText("").isEmpty() && !retried.asText().equals("false"),
                text(n, "previous_job_id"),
                time(n.path("created")),
                time(tr.path(COMPLETE)),
                time(tr.path(FAILED)).or(() -> time(tr.path(CANCELLED))),
                tags,
                text(n.path("gear_info"), "name"),
                text(n.path("parents"), "group").or(() -> text(n, "group")),
                text(n, "failure_reason").or(() -> text(n.path("profile"), "failure_reason")));
    }

    public boolean inFlight() {
        return PENDING.equals(state) || RUNNING.equals(state);
    }

    /** {@code complete}, {@code failed} or {@code cancelled}. */
    public boolean ended() {
        return FAILED.equals(state) || CANCELLED.equals(state) || COMPLETE.equals(state);
    }

    /** {@code failed} or {@code cancelled}. */
    public boolean unsuccessful() {
        return FAILED.equals(state) || CANCELLED.equals(state);
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() || v.asText("").isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    static Optional<Instant> time(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        if (v.isNumber()) {
            return Optional.of(Instant.ofEpochMilli((long) (v.asDouble() * (v.asDouble() < 1e11 ? 1000 : 1))));
        }
        String s = v.asText("");
        try {
            return Optional.of(Instant.parse(s));
        } catch (DateTimeParseException e) {
            try {
                // Flywheel writes 2024-01-05T10:00:00.123000+00:00
                return Optional.of(java.time.OffsetDateTime.parse(s).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
