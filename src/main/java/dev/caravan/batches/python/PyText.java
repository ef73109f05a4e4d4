package dev.caravan.batches.python;

import java.util.Locale;

/** Python's str methods that templates use, with Python's definitions of whitespace, case and order. */
public final class PyText {

    private PyText() {
    }

    /** Compares by code point, as Python orders str (Java's compareTo orders UTF-16 units). */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** str.isspace for one character: Unicode whitespace, separators, and the C0 separators 0x1c..0x1f. */
    public static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    /** str.strip(): removes Python whitespace at both ends. */
    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** str.strip(chars): removes any of these characters at both ends. */
    public static String strip(String s, String chars) {
        int start = 0;
        int end = s.length();
        while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    public static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** str.title(): a cased character after an uncased one starts a word ("1st" gives "1St", as in Python). */
    public static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            boolean cased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
            if (cased) {
                if (previousCased) {
                    out.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT));
                } else {
                    out.append(titleCase(c));
                }
            } else {
                out.appendCodePoint(c);
            }
            previousCased = cased;
        }
        return out.toString();
    }

    /**
     * The title case of one character with the full mappings: ß gives "Ss" and ﬁ "Fi" (SpecialCasing), which
     * Character.toTitleCase, a one-character mapping, leaves as they are.
     */
    private static String titleCase(int c) {
        int simple = Character.toTitleCase(c);
        String upper = new String(Character.toChars(c)).toUpperCase(Locale.ROOT);
        if (simple != c || upper.codePointCount(0, upper.length()) == 1) {
            return new String(Character.toChars(simple));
        }
        int first = upper.codePointAt(0);
        String rest = upper.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
        return new String(Character.toChars(first)) + rest;
    }

    /** str.zfill(width): zeros on the left, after a leading sign. */
    public static String zfill(String s, int width) {
        int len = length(s);
        if (len >= width) {
            return s;
        }
        String zeros = "0".repeat(width - len);
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            return s.charAt(0) + zeros + s.substring(1);
        }
        return zeros + s;
    }

    /** len(s): code points, not UTF-16 units. */
    public static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** Python's repr of a str: single quotes unless the text has ' and no ", escapes for the unprintable. */
    public static void repr(String s, StringBuilder out) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else if (c < 0x7f || isPrintable(c)) {
                out.appendCodePoint(c);
            } else if (c <= 0xff) {
                out.append(String.format("\\x%02x", c));
            } else if (c <= 0xffff) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(String.format("\\U%08x", c));
            }
        }
        out.append(quote);
    }

    /** str.isprintable for one character: not a control, format, surrogate, private, unassigned or separator. */
    private static boolean isPrintable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> c == ' ';
            default -> true;
        };
    }
}
