package dev.caravan.batches.python;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Python's {@code value[key]} for str, list, tuple and dict, with negative indexes and slices. */
public final class PySubscript {

    private PySubscript() {
    }

    public static Object get(Object value, Object key, Budget budget) {
        budget.charge(1);
        if (value instanceof Map<?, ?> m) {
            Py.requireHashable(key);
            Object[] found = Py.lookup(m, key, budget);
            if (found == null) {
                throw new PyException("KeyError", PyRepr.repr(key, budget));
            }
            return found[0];
        }
        if (value instanceof String s) {
            if (key instanceof PySlice slice) {
                return sliceString(s, slice, budget);
            }
            if (!Py.isIntegral(key)) {
                throw PyException.type("string indices must be integers, not '" + Py.typeName(key) + "'");
            }
            // code points, as Python indexes str; plain BMP text (the usual case) indexes directly
            boolean bmp = s.codePointCount(0, s.length()) == s.length();
            int length = bmp ? s.length() : PyText.length(s);
            int i = index(key, length, "string index out of range");
            return bmp ? String.valueOf(s.charAt(i)) : new String(Character.toChars(s.codePointAt(
                    s.offsetByCodePoints(0, i))));
        }
        if (value instanceof List<?> || value instanceof PyTuple) {
            boolean tuple = value instanceof PyTuple;
            List<?> items = tuple ? ((PyTuple) value).items() : (List<?>) value;
            String kind = tuple ? "tuple" : "list";
            if (key instanceof PySlice slice) {
                List<Object> out = sliceItems(items, slice, budget);
                return tuple ? new PyTuple(out) : out;
            }
            if (!Py.isIntegral(key)) {
                throw PyException.type(kind + " indices must be integers or slices, not " + Py.typeName(key));
            }
            return items.get(index(key, items.size(), kind + " index out of range"));
        }
        throw PyException.type("'" + Py.typeName(value) + "' object is not subscriptable");
    }

    private static int index(Object key, int length, String outOfRange) {
        long i = Py.fitsLong(key) ? Py.asLong(key) : Long.MAX_VALUE;
        if (i < 0) {
            i += length;
        }
        if (i < 0 || i >= length) {
            throw new PyException("IndexError", outOfRange);
        }
        return (int) i;
    }

    /** The start, stop and step of a slice over a sequence of this length, as slice.indices() gives them. */
    private static long[] indices(PySlice slice, int length) {
        long step = bound(slice.step(), 1);
        if (step == 0) {
            throw PyException.value("slice step cannot be zero");
        }
        long lowerDefault = step < 0 ? length - 1 : 0;
        long upperDefault = step < 0 ? -1 : length;
        long start = adjust(slice.lower(), lowerDefault, length, step);
        long stop = adjust(slice.upper(), upperDefault, length, step);
        return new long[] {start, stop, step};
    }

    private static long bound(Object v, long absent) {
        if (v == null) {
            return absent;
        }
        if (!Py.isIntegral(v)) {
            throw PyException.type("slice indices must be integers or None or have an __index__ method");
        }
        if (Py.fitsLong(v)) {
            return Py.asLong(v);
        }
        return Py.big(v).signum() < 0 ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }

    private static long adjust(Object v, long absent, int length, long step) {
        if (v == null) {
            return absent;
        }
        long i = bound(v, absent);
        if (i < 0) {
            i += length;
            if (i < 0) {
                i = step < 0 ? -1 : 0;
            }
        } else if (i >= length) {
            i = step < 0 ? length - 1 : length;
        }
        return i;
    }

    private static List<Object> sliceItems(List<?> items, PySlice slice, Budget budget) {
        long[] r = indices(slice, items.size());
        List<Object> out = new ArrayList<>();
        for (long i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2]) {
            budget.charge(1);
            out.add(items.get((int) i));
        }
        return out;
    }

    private static String sliceString(String s, PySlice slice, Budget budget) {
        int[] cps = s.codePoints().toArray();
        budget.charge(cps.length);
        long[] r = indices(slice, cps.length);
        StringBuilder out = new StringBuilder();
        for (long i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2]) {
            out.appendCodePoint(cps[(int) i]);
        }
        return out.toString();
    }
}
