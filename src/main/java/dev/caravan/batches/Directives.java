package dev.caravan.batches;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every task's on/off after directives were applied, in task order, and warnings for ignored names. */
public record Directives(Map<String, Boolean> enabled, List<String> warnings) {

    public Directives {
        enabled = Collections.unmodifiableMap(new LinkedHashMap<>(enabled));
        warnings = List.copyOf(warnings);
    }

    /**
     * WEPPcloud's booleans for directives: a boolean; the numbers 1 and 0; the strings true/false, 1/0,
     * yes/no, on/off in any case, trimmed. Anything else is an error naming {@code directives.<task>}.
     */
    public static boolean parseBool(String task, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == 1 || d == 0) {
                return d == 1;
            }
        }
        if (value instanceof String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> {
                    return true;
                }
                case "false", "0", "no", "off" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        String shown = value instanceof String s ? "'" + BatchNames.printable(s) + "'" : String.valueOf(value);
        throw BatchInputException.field("directives." + task, "directive for task '" + task + "': " + shown
                + " is not a boolean (use true/false, 1/0, yes/no or on/off)");
    }
}
