package dev.caravan.batches.runner;

import java.util.regex.Pattern;

/** Quoting values into bash source: anything but NUL (which bash cannot hold) comes out as one word. */
public final class Shell {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./=:,+@%-]+");

    private Shell() {
    }

    /** One shell word that expands to exactly s: plain text as it is, else single-quoted. */
    public static String quote(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL character cannot be passed to bash");
        }
        if (!s.isEmpty() && PLAIN.matcher(s).matches()) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
