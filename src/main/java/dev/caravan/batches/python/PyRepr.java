package dev.caravan.batches.python;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Python's str() and repr() of values: None, True, 0.1, [1, 'a', None], {'k': 2}, (1,). */
public final class PyRepr {

    private PyRepr() {
    }

    public static String str(Object v, Budget budget) {
        if (v instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        repr(v, out, budget);
        return out.toString();
    }

    public static String repr(Object v, Budget budget) {
        StringBuilder out = new StringBuilder();
        repr(v, out, budget);
        return out.toString();
    }

    public static void repr(Object v, StringBuilder out, Budget budget) {
        int before = out.length();
        boolean container = v instanceof List || v instanceof PyTuple || v instanceof PySet || v instanceof Map;
        if (v == null) {
            out.append("None");
        } else if (v instanceof Boolean b) {
            out.append(b ? "True" : "False");
        } else if (v instanceof Long || v instanceof BigInteger || v instanceof Integer) {
            out.append(v);
        } else if (v instanceof Double d) {
            FloatRepr.append(d, out);
        } else if (v instanceof String s) {
            PyText.repr(s, out);
        } else if (v instanceof List<?> l) {
            items("[", l, "]", out, budget);
        } else if (v instanceof PyTuple t) {
            items("(", t.items(), t.items().size() == 1 ? ",)" : ")", out, budget);
        } else if (v instanceof PySet s) {
            if (s.items().isEmpty()) {
                out.append("set()");
            } else {
                items("{", s.items(), "}", out, budget);
            }
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                budget.charge(4);
                repr(e.getKey(), out, budget);
                out.append(": ");
                repr(e.getValue(), out, budget);
            }
            out.append('}');
        } else {
            out.append(v);
        }
        // containers are paid for by their items, so a nested value is charged once, not once per level
        budget.charge(container ? 2 : out.length() - before);
    }

    private static void items(String open, List<?> items, String close, StringBuilder out, Budget budget) {
        out.append(open);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            budget.charge(2);
            repr(items.get(i), out, budget);
        }
        out.append(close);
    }
}
