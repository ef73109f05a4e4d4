package dev.caravan.batches.python;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Python's value model over plain Java values: {@code null} is None, {@link Boolean} bool, {@link Long} or
 * {@link BigInteger} int (BigInteger only past the long range), {@link Double} float, {@link String} str,
 * {@link List} list, {@link PyTuple} tuple, {@link Map} dict, {@link PySet} set. JSON parsed by
 * {@code geojson.JsonTree} is already in this form. Here: type names, truthiness, equality, ordering,
 * membership and dict lookup, with Python's rules (bool is an int, 1 == 1.0 == True, ints and floats compare
 * exactly).
 */
public final class Py {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final long EXACT_DOUBLE = 1L << 53;

    private Py() {
    }

    public static String typeName(Object v) {
        if (v == null) {
            return "NoneType";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (isInt(v)) {
            return "int";
        }
        if (v instanceof Double || v instanceof Float) {
            return "float";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof PyTuple) {
            return "tuple";
        }
        if (v instanceof Map) {
            return "dict";
        }
        if (v instanceof PySet) {
            return "set";
        }
        if (v instanceof PySlice) {
            return "slice";
        }
        if (v instanceof PyEllipsis) {
            return "ellipsis";
        }
        return v.getClass().getSimpleName();
    }

    /** int, not bool. */
    public static boolean isInt(Object v) {
        return v instanceof Long || v instanceof BigInteger || v instanceof Integer || v instanceof Short
                || v instanceof Byte;
    }

    /** int or bool: what Python accepts where an integer is needed. */
    public static boolean isIntegral(Object v) {
        return isInt(v) || v instanceof Boolean;
    }

    public static boolean isFloat(Object v) {
        return v instanceof Double || v instanceof Float;
    }

    public static boolean isNumber(Object v) {
        return isIntegral(v) || isFloat(v);
    }

    /** An integral value (int or bool) as a BigInteger. */
    public static BigInteger big(Object v) {
        if (v instanceof BigInteger b) {
            return b;
        }
        if (v instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        }
        return BigInteger.valueOf(((Number) v).longValue());
    }

    /** True when the integral value fits a long; then {@link #asLong} is exact. */
    public static boolean fitsLong(Object v) {
        return !(v instanceof BigInteger);
    }

    public static long asLong(Object v) {
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return ((Number) v).longValue();
    }

    /** A BigInteger result as Python's int: a Long when it fits. */
    public static Object intOf(BigInteger b) {
        if (b.compareTo(LONG_MIN) >= 0 && b.compareTo(LONG_MAX) <= 0) {
            return b.longValue();
        }
        if (b.bitLength() > Limits.MAX_INT_BITS) {
            throw PyException.limit("integer result too large (more than " + Limits.MAX_INT_BITS + " bits)");
        }
        return b;
    }

    /** A number as a double, the way Python's float(x) converts it. */
    public static double toDouble(Object v) {
        if (v instanceof BigInteger b) {
            double d = b.doubleValue();
            if (Double.isInfinite(d)) {
                throw new PyException("OverflowError", "int too large to convert to float");
            }
            return d;
        }
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        return ((Number) v).doubleValue();
    }

    public static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof BigInteger b) {
            return b.signum() != 0;
        }
        if (v instanceof Double d) {
            return d != 0.0;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0.0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof PyTuple t) {
            return !t.items().isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof PySet s) {
            return !s.items().isEmpty();
        }
        return true;
    }

    /** Python's {@code a == b}. */
    public static boolean eq(Object a, Object b, Budget budget) {
        budget.charge(1);
        if (a == b) {
            return !(a instanceof Double d && d.isNaN());
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            return numCompare(a, b) == 0;
        }
        if (a instanceof String sa) {
            if (b instanceof String sb) {
                budget.charge(Math.min(sa.length(), sb.length()));
                return sa.equals(sb);
            }
            return false;
        }
        if (a instanceof List<?> la) {
            return b instanceof List<?> lb && itemsEq(la, lb, budget);
        }
        if (a instanceof PyTuple ta) {
            return b instanceof PyTuple tb && itemsEq(ta.items(), tb.items(), budget);
        }
        if (a instanceof Map<?, ?> ma) {
            if (!(b instanceof Map<?, ?> mb) || ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                Object[] found = lookup(mb, e.getKey(), budget);
                if (found == null || !eq(e.getValue(), found[0], budget)) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof PySet sa) {
            if (!(b instanceof PySet sb) || sa.items().size() != sb.items().size()) {
                return false;
            }
            for (Object item : sa.items()) {
                if (!containsItem(sb.items(), item, budget)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean itemsEq(List<?> a, List<?> b, Budget budget) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!eq(a.get(i), b.get(i), budget)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compares two numbers (bool, int, float) exactly, as Python does: 2**53 + 1 > float(2**53). NaN
     * compares as unordered: the caller handles it first ({@link #isNaN}).
     */
    public static int numCompare(Object a, Object b) {
        if (isIntegral(a) && isIntegral(b)) {
            if (fitsLong(a) && fitsLong(b)) {
                return Long.compare(asLong(a), asLong(b));
            }
            return big(a).compareTo(big(b));
        }
        double da = isFloat(a) ? ((Number) a).doubleValue() : Double.NaN;
        double db = isFloat(b) ? ((Number) b).doubleValue() : Double.NaN;
        if (isFloat(a) && isFloat(b)) {
            return da < db ? -1 : da > db ? 1 : 0;
        }
        // one int, one float
        if (isFloat(a)) {
            return -intFloatCompare(b, da);
        }
        return intFloatCompare(a, db);
    }

    private static int intFloatCompare(Object i, double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? -1 : 1;
        }
        if (fitsLong(i) && Math.abs(asLong(i)) <= EXACT_DOUBLE) {
            double di = asLong(i);
            return di < d ? -1 : di > d ? 1 : 0;
        }
        return new BigDecimal(big(i)).compareTo(new BigDecimal(d));
    }

    public static boolean isNaN(Object v) {
        return v instanceof Double d && d.isNaN();
    }

    /** Python's ordering {@code <}, {@code <=}, {@code >}, {@code >=}; the op is the operator's text. */
    public static boolean order(String op, Object a, Object b, Budget budget) {
        budget.charge(1);
        if (isNumber(a) && isNumber(b)) {
            if (isNaN(a) || isNaN(b)) {
                return false;
            }
            return holds(op, numCompare(a, b));
        }
        if (a instanceof String sa && b instanceof String sb) {
            budget.charge(Math.min(sa.length(), sb.length()));
            return holds(op, PyText.compare(sa, sb));
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            return sequenceOrder(op, la, lb, budget);
        }
        if (a instanceof PyTuple ta && b instanceof PyTuple tb) {
            return sequenceOrder(op, ta.items(), tb.items(), budget);
        }
        if (a instanceof PySet sa && b instanceof PySet sb) {
            return setOrder(op, sa, sb, budget);
        }
        throw PyException.type("'" + op + "' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    private static boolean holds(String op, int c) {
        return switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            case ">=" -> c >= 0;
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static boolean sequenceOrder(String op, List<?> a, List<?> b, Budget budget) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!eq(a.get(i), b.get(i), budget)) {
                return order(op, a.get(i), b.get(i), budget);
            }
        }
        return holds(op, Integer.compare(a.size(), b.size()));
    }

    private static boolean setOrder(String op, PySet a, PySet b, Budget budget) {
        return switch (op) {
            case "<=" -> subset(a, b, budget);
            case "<" -> a.items().size() < b.items().size() && subset(a, b, budget);
            case ">=" -> subset(b, a, budget);
            default -> b.items().size() < a.items().size() && subset(b, a, budget);
        };
    }

    private static boolean subset(PySet a, PySet b, Budget budget) {
        for (Object item : a.items()) {
            if (!containsItem(b.items(), item, budget)) {
                return false;
            }
        }
        return true;
    }

    /** Python's {@code item in container}. */
    public static boolean contains(Object container, Object item, Budget budget) {
        if (container instanceof String s) {
            if (!(item instanceof String sub)) {
                throw PyException.type("'in <string>' requires string as left operand, not " + typeName(item));
            }
            budget.charge(s.length());
            return s.contains(sub);
        }
        if (container instanceof List<?> l) {
            return containsItem(l, item, budget);
        }
        if (container instanceof PyTuple t) {
            return containsItem(t.items(), item, budget);
        }
        if (container instanceof PySet s) {
            requireHashable(item);
            return containsItem(s.items(), item, budget);
        }
        if (container instanceof Map<?, ?> m) {
            requireHashable(item);
            return lookup(m, item, budget) != null;
        }
        throw PyException.type("argument of type '" + typeName(container) + "' is not iterable");
    }

    private static boolean containsItem(List<?> items, Object item, Budget budget) {
        for (Object o : items) {
            if (eq(o, item, budget)) {
                return true;
            }
        }
        return false;
    }

    /** Refuses what Python cannot use as a dict key or set item. */
    public static void requireHashable(Object v) {
        if (v instanceof List || v instanceof Map || v instanceof PySet || v instanceof PySlice) {
            throw PyException.type("unhashable type: '" + typeName(v) + "'");
        }
        if (v instanceof PyTuple t) {
            t.items().forEach(Py::requireHashable);
        }
    }

    /**
     * The value stored under {@code key} (Python equality: {@code d[1]} finds the key {@code 1.0}), as a
     * one-item array, or null when there is none. String keys, the only ones JSON has, are found directly.
     */
    public static Object[] lookup(Map<?, ?> map, Object key, Budget budget) {
        budget.charge(1);
        if (key instanceof String) {
            Object v = map.get(key);
            return v != null || map.containsKey(key) ? new Object[] {v} : null;
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String) && eq(e.getKey(), key, budget)) {
                return new Object[] {e.getValue()};
            }
        }
        return null;
    }
}
