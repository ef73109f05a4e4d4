package dev.caravan.model;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Group and batch names that would collide with what the tree already means: a group folder sits beside the gate
 * files ({@code jobs/pause.<env>}, {@code jobs/excessive_failure.<env>.txt}), so a group {@code pause.loc} pauses
 * environment {@code loc}; a batch folder holds state folders, so a batch {@code backlog} makes
 * {@code jobs/G/backlog/backlog/job.0001}. Compared without case: a clone on a case-insensitive disk collides too.
 */
public final class ReservedNames {

    /** The state folders Caravan writes or reports by name. */
    public static final List<String> STATES = List.of("backlog", "queued", "failed", "completed", "aborted", "onhold");
    /** The gate files in {@code jobs/}: {@code <prefix>.<env>...}. */
    public static final List<String> GATE_PREFIXES = List.of("pause", "excessive_failure");

    private ReservedNames() {
    }

    /** Why {@code name} cannot be a group or batch name ({@code field} says which), or empty when it can. */
    public static Optional<String> problem(String field, String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (STATES.contains(lower)) {
            return Optional.of(field + " '" + name + "' is reserved: it is the name of a state folder ("
                    + String.join(", ", STATES) + ")");
        }
        for (String gate : GATE_PREFIXES) {
            if (lower.equals(gate) || lower.startsWith(gate + ".")) {
                return Optional.of(field + " '" + name + "' is reserved: gate files are named jobs/" + gate
                        + ".<environment>");
            }
        }
        return Optional.empty();
    }
}
