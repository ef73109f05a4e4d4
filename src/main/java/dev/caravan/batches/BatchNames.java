package dev.caravan.batches;

import dev.caravan.model.ReservedNames;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names people give to groups and batches (WEPPcloud's rule, {@code ^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$}),
 * and the rule for item ids made by run-id templates. A group or batch name becomes a folder next to
 * folders Caravan owns, so those names are reserved, whatever their case: {@code _base},
 * {@code resources}, {@code logs}, every state, and the gate files {@code pause.*} and
 * {@code excessive_failure.*}.
 */
public final class BatchNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{2,127}");
    public static final List<String> RESERVED = Stream.concat(Stream.of("_base", "resources", "logs"),
            ReservedNames.STATES.stream()).toList();
    private static final List<String> GATE_PREFIXES = ReservedNames.GATE_PREFIXES;

    /**
     * Item ids: letters, digits, '.', '_', '-' and inner spaces, starting with a letter or digit, not ending
     * with a space, no "..", at most 128. This is model.JobRef's job-id rule plus spaces, because run ids
     * made from feature names ("Blue Creek-NW", the example) have them.
     */
    // [A-Za-z0-9](?:[A-Za-z0-9._ -]{0,126}[A-Za-z0-9._-])? and no "..", checked by hand in isSafeItemId

    private BatchNames() {
    }

    /** Why name cannot be a group or batch name, or null when it can. field is "group" or "batch". */
    public static String problem(String field, String name) {
        if (name == null || name.isBlank()) {
            return field + " is required";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower)) {
            return field + " '" + name + "' is reserved (it is the name of a folder Caravan keeps:"
                    + " " + String.join(", ", RESERVED) + ")";
        }
        for (String gate : GATE_PREFIXES) {
            if (lower.equals(gate) || lower.startsWith(gate + ".")) {
                return field + " '" + name + "' is reserved (gate files are named " + gate + ".<environment>)";
            }
        }
        if (!NAME.matcher(name).matches()) {
            return field + " '" + printable(name) + "' is not a valid name: 3 to 128 letters, digits, '_' or '-',"
                    + " starting with a letter or digit";
        }
        return null;
    }

    /** Throws {@link BatchInputException} naming the field unless the name is valid. */
    public static String requireValid(String field, String name) {
        String problem = problem(field, name);
        if (problem != null) {
            throw BatchInputException.field(field, problem);
        }
        return name;
    }

    public static boolean isValid(String name) {
        return problem("name", name) == null;
    }

    /** True when id can name an item's job folder (see the rule above). */
    public static boolean isSafeItemId(String id) {
        // the rule above by hand: a validation runs it once per feature, 100,000 times
        if (id == null || id.isEmpty() || id.length() > 128 || !isAlnum(id.charAt(0)) || id.contains("..")) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!isAlnum(c) && c != '.' && c != '_' && c != '-' && (c != ' ' || i == id.length() - 1)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** The name as it can be shown in a message: control characters escaped, at most 140 characters. */
    public static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 140; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > 140 ? out + "…" : out.toString();
    }
}
