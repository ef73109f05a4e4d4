package dev.caravan.batches.python;

/**
 * Thousands grouping as CPython inserts it: groups of 3 (or 4 for '_' with b, o, x, X) from the right, and
 * when zero padding reaches into the digits the zeros are grouped too, never starting with a separator.
 */
final class Grouping {

    private Grouping() {
    }

    /** digits grouped, zero-filled to at least minWidth characters (separators included). */
    static String group(String digits, int minWidth, int size, String separator) {
        StringBuilder reversed = new StringBuilder();
        int remaining = digits.length();
        int width = Math.max(minWidth, 0);
        boolean useSeparator = false;
        if (size > 0) {
            while (true) {
                int len = Math.min(size, Math.max(Math.max(remaining, width), 1));
                emit(reversed, digits, remaining, len, useSeparator ? separator : "");
                useSeparator = true;
                remaining -= Math.max(0, Math.min(remaining, len));
                width -= len;
                if (remaining <= 0 && width <= 0) {
                    return reversed.reverse().toString();
                }
                width -= separator.length();
            }
        }
        int len = Math.max(Math.max(remaining, width), 1);
        emit(reversed, digits, remaining, len, "");
        return reversed.reverse().toString();
    }

    /** Appends, reversed, a separator then len characters: the last `remaining` digits' tail, then zeros. */
    private static void emit(StringBuilder reversed, String digits, int remaining, int len, String separator) {
        reversed.append(separator);
        int chars = Math.max(0, Math.min(remaining, len));
        for (int i = 0; i < chars; i++) {
            reversed.append(digits.charAt(remaining - 1 - i));
        }
        for (int i = chars; i < len; i++) {
            reversed.append('0');
        }
    }
}
