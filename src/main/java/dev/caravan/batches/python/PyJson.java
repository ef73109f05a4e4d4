package dev.caravan.batches.python;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, sort_keys=...)} with its defaults: separators {@code ", "} and
 * {@code ": "}, ASCII only ({@code \\uXXXX} escapes, surrogate pairs for the rest), floats as their repr,
 * NaN and Infinity as bare words. Written to an {@link AsciiSink}, so a 10 MB document can be hashed
 * without building its text.
 */
public final class PyJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PyJson() {
    }

    /** Receives the ASCII characters of the output. */
    public interface AsciiSink {
        void write(char c);

        void write(String ascii);
    }

    public static String dumps(Object value, boolean sortKeys) {
        StringBuilder out = new StringBuilder();
        dump(value, sortKeys, new AsciiSink() {
            @Override
            public void write(char c) {
                out.append(c);
            }

            @Override
            public void write(String ascii) {
                out.append(ascii);
            }
        });
        return out.toString();
    }

    public static void dump(Object v, boolean sortKeys, AsciiSink out) {
        if (v == null) {
            out.write("null");
        } else if (v instanceof String s) {
            string(s, out);
        } else if (v instanceof Boolean b) {
            out.write(b ? "true" : "false");
        } else if (v instanceof Long || v instanceof BigInteger || v instanceof Integer) {
            out.write(v.toString());
        } else if (v instanceof Double d) {
            out.write(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : FloatRepr.repr(d));
        } else if (v instanceof Map<?, ?> m) {
            object(m, sortKeys, out);
        } else if (v instanceof List<?> l) {
            out.write('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    out.write(", ");
                }
                dump(l.get(i), sortKeys, out);
            }
            out.write(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static void object(Map<?, ?> m, boolean sortKeys, AsciiSink out) {
        out.write('{');
        Iterable<? extends Map.Entry<?, ?>> entries = m.entrySet();
        if (sortKeys && m.size() > 1) {
            List<Map.Entry<?, ?>> sorted = new ArrayList<>(m.entrySet());
            sorted.sort((a, b) -> PyText.compare((String) a.getKey(), (String) b.getKey()));
            entries = sorted;
        }
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            if (!first) {
                out.write(", ");
            }
            first = false;
            string((String) e.getKey(), out);
            out.write(": ");
            dump(e.getValue(), sortKeys, out);
        }
        out.write('}');
    }

    private static void string(String s, AsciiSink out) {
        out.write('"');
        int plainFrom = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= ' ' && c <= '~' && c != '"' && c != '\\') {
                continue;
            }
            if (i > plainFrom) {
                out.write(s.substring(plainFrom, i));
            }
            plainFrom = i + 1;
            switch (c) {
                case '"' -> out.write("\\\"");
                case '\\' -> out.write("\\\\");
                case '\n' -> out.write("\\n");
                case '\r' -> out.write("\\r");
                case '\t' -> out.write("\\t");
                case '\b' -> out.write("\\b");
                case '\f' -> out.write("\\f");
                default -> {
                    out.write("\\u");
                    out.write(HEX[(c >> 12) & 0xf]);
                    out.write(HEX[(c >> 8) & 0xf]);
                    out.write(HEX[(c >> 4) & 0xf]);
                    out.write(HEX[c & 0xf]);
                }
            }
        }
        if (plainFrom == 0) {
            out.write(s);
        } else if (plainFrom < s.length()) {
            out.write(s.substring(plainFrom));
        }
        out.write('"');
    }
}
