package dev.caravan.batches.python;

/**
 * A parsed Python format spec, {@code [[fill]align][sign][z][#][0][width][grouping][.precision][type]}, as
 * written: what depends on the value's type (default alignment, default type, what '0' means) is settled
 * when a value is formatted. {@code type} and {@code align} are 0 when absent.
 */
public record FormatSpec(String text, int fill, boolean fillGiven, char align, char sign, boolean noNegZero,
        boolean alternate, boolean zero, int width, char grouping, int precision, char type) {

    /**
     * Parses a spec; errors that do not depend on the value (bad syntax, too wide) are raised here.
     * typeForMessages names the value's type in the message, as Python does; null leaves it out.
     */
    public static FormatSpec parse(String spec, String typeForMessages) {
        int pos = 0;
        int n = spec.length();
        int fill = ' ';
        boolean fillGiven = false;
        char align = 0;
        int first = n > 0 ? spec.codePointAt(0) : 0;
        int afterFirst = Character.charCount(first);
        if (n > afterFirst && isAlign(spec.charAt(afterFirst))) {
            fill = first;
            fillGiven = true;
            align = spec.charAt(afterFirst);
            pos = afterFirst + 1;
        } else if (n > 0 && isAlign(spec.charAt(0))) {
            align = spec.charAt(0);
            pos = 1;
        }
        char sign = 0;
        if (pos < n && "+- ".indexOf(spec.charAt(pos)) >= 0) {
            sign = spec.charAt(pos++);
        }
        boolean noNegZero = false;
        if (pos < n && spec.charAt(pos) == 'z') {
            noNegZero = true;
            pos++;
        }
        boolean alternate = false;
        if (pos < n && spec.charAt(pos) == '#') {
            alternate = true;
            pos++;
        }
        boolean zero = false;
        if (!fillGiven && pos < n && spec.charAt(pos) == '0') {
            zero = true;
            pos++;
        }
        int start = pos;
        while (pos < n && isDigit(spec.charAt(pos))) {
            pos++;
        }
        int width = number(spec, start, pos, -1);
        char grouping = 0;
        if (pos < n && (spec.charAt(pos) == ',' || spec.charAt(pos) == '_')) {
            grouping = spec.charAt(pos++);
            if (pos < n && (spec.charAt(pos) == ',' || spec.charAt(pos) == '_')) {
                throw PyException.value("Cannot specify both ',' and '_'.");
            }
        }
        int precision = -1;
        if (pos < n && spec.charAt(pos) == '.') {
            start = ++pos;
            while (pos < n && isDigit(spec.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw PyException.value("Format specifier missing precision");
            }
            precision = number(spec, start, pos, -1);
        }
        if (n - pos > 1) {
            throw PyException.value("Invalid format specifier '" + spec + "'"
                    + (typeForMessages == null ? "" : " for object of type '" + typeForMessages + "'"));
        }
        char type = pos < n ? spec.charAt(pos) : 0;
        return new FormatSpec(spec, fill, fillGiven, align, sign, noNegZero, alternate, zero, width, grouping,
                precision, type);
    }

    private static boolean isAlign(char c) {
        return c == '<' || c == '>' || c == '=' || c == '^';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int number(String spec, int start, int end, int absent) {
        if (start == end) {
            return absent;
        }
        if (end - start > 9) {
            throw PyException.value("Too many decimal digits in format string");
        }
        int v = Integer.parseInt(spec.substring(start, end));
        if (v > Limits.MAX_FORMAT_WIDTH) {
            throw PyException.limit("format width or precision " + v + " is too large (at most "
                    + Limits.MAX_FORMAT_WIDTH + ")");
        }
        return v;
    }
}
