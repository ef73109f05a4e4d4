package dev.caravan.batches.template;

import dev.caravan.batches.python.Budget;
import dev.caravan.batches.python.Limits;
import dev.caravan.batches.python.Py;
import dev.caravan.batches.python.PyException;
import dev.caravan.batches.python.PyRepr;
import dev.caravan.batches.python.PyText;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The functions a template may call, as WEPPcloud defines them. Each turns its value into text with
 * {@code str(value or "")}: None, 0, False and empty values become "" (so {@code zfill(0, 3)} is
 * {@code "000"} and {@code upper(0)} is ""). {@code slug} takes its separator as a second argument or
 * as {@code sep=} / {@code separator=} (WEPPcloud: keyword {@code separator} only).
 */
final class Functions {

    /** An optional argument that was not given. */
    static final Object ABSENT = new Object();

    interface Body {
        Object call(Object[] args, Budget budget);
    }

    /** A function: its parameter names (keyword aliases after '|'), how many are required, its body. */
    record Fn(String name, List<String> params, int required, Body body) {

        Object call(Object[] args, Budget budget) {
            return body.call(args, budget);
        }

        /** The parameter position a keyword names, or -1. */
        int position(String keyword) {
            for (int i = 0; i < params.size(); i++) {
                if (List.of(params.get(i).split("\\|")).contains(keyword)) {
                    return i;
                }
            }
            return -1;
        }

        String usage() {
            return name + "(" + String.join(", ", params.stream().map(p -> p.split("\\|")[0]).toList()) + ")";
        }
    }

    private static final Map<String, Fn> ALL = Map.of(
            "slug", new Fn("slug", List.of("value", "sep|separator"), 1, Functions::slug),
            "lower", new Fn("lower", List.of("value"), 1, (a, b) -> PyText.lower(text(a[0], b))),
            "upper", new Fn("upper", List.of("value"), 1, (a, b) -> PyText.upper(text(a[0], b))),
            "title", new Fn("title", List.of("value"), 1, (a, b) -> PyText.title(text(a[0], b))),
            "zfill", new Fn("zfill", List.of("value", "width"), 2, Functions::zfill),
            "replace", new Fn("replace", List.of("value", "old", "new"), 3, Functions::replace));

    private static final Map<String, Pattern> COLLAPSERS = new ConcurrentHashMap<>();

    private Functions() {
    }

    static Fn find(String name) {
        return ALL.get(name);
    }

    /** str(value or ""). */
    private static String text(Object value, Budget budget) {
        return Py.truthy(value) ? PyRepr.str(value, budget) : "";
    }

    private static Object slug(Object[] a, Budget budget) {
        String sep = "-";
        if (a[1] != ABSENT) {
            if (!(a[1] instanceof String s)) {
                throw PyException.type("slug() separator must be str, not " + Py.typeName(a[1]));
            }
            sep = s;
        }
        String value = PyText.strip(text(a[0], budget));
        budget.charge(value.length());
        StringBuilder out = new StringBuilder(value.length());
        boolean inRun = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (alnum) {
                out.append(c);
                inRun = false;
            } else if (!inRun) {
                out.append(sep);
                inRun = true;
            }
        }
        String text = out.toString();
        // WEPPcloud's re.sub(re.escape(sep) + "+", sep): the '+' repeats the separator's last character, so the text
        // changes only where sep is followed by that character again (looked for first: the regex is costly per feature)
        if (!sep.isEmpty() && text.contains(sep + sep.charAt(sep.length() - 1))) {
            text = collapser(sep).matcher(text).replaceAll(Matcher.quoteReplacement(sep));
        }
        return sep.isEmpty() ? text : PyText.strip(text, sep);
    }

    private static Pattern collapser(String sep) {
        if (COLLAPSERS.size() > 64) {
            COLLAPSERS.clear();
        }
        return COLLAPSERS.computeIfAbsent(sep, k -> Pattern.compile(Pattern.quote(k.substring(0, k.length() - 1))
                + "(?:" + Pattern.quote(k.substring(k.length() - 1)) + ")+"));
    }

    private static Object zfill(Object[] a, Budget budget) {
        long width = toInt(a[1]);
        if (width > Limits.MAX_SEQUENCE) {
            throw PyException.limit("zfill() width " + width + " is too large (at most " + Limits.MAX_SEQUENCE
                    + ")");
        }
        String value = text(a[0], budget);
        budget.charge(Math.max(width, value.length()));
        return PyText.zfill(value, (int) Math.max(width, 0));
    }

    /** Python's int(x) for the values a template can hold. */
    private static long toInt(Object v) {
        if (Py.isIntegral(v)) {
            return Py.fitsLong(v) ? Py.asLong(v) : Py.big(v).signum() * (long) Integer.MAX_VALUE;
        }
        if (Py.isFloat(v)) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                throw PyException.value("cannot convert float NaN to integer");
            }
            if (Double.isInfinite(d)) {
                throw new PyException("OverflowError", "cannot convert float infinity to integer");
            }
            return (long) d;
        }
        if (v instanceof String s) {
            String t = PyText.strip(s).replace("_", "");
            try {
                return new BigInteger(t).max(BigInteger.valueOf(Integer.MIN_VALUE))
                        .min(BigInteger.valueOf(Integer.MAX_VALUE)).longValue();
            } catch (NumberFormatException e) {
                throw PyException.value("invalid literal for int() with base 10: " + PyRepr.repr(s,
                        Budget.unlimited()));
            }
        }
        throw PyException.type("int() argument must be a string, a bytes-like object or a real number, not '"
                + Py.typeName(v) + "'");
    }

    private static Object replace(Object[] a, Budget budget) {
        if (!(a[1] instanceof String old)) {
            throw PyException.type("replace() argument 1 must be str, not " + Py.typeName(a[1]));
        }
        if (!(a[2] instanceof String replacement)) {
            throw PyException.type("replace() argument 2 must be str, not " + Py.typeName(a[2]));
        }
        String value = text(a[0], budget);
        long occurrences = old.isEmpty() ? value.length() + 1L : countOf(value, old);
        long size = value.length() + occurrences * (replacement.length() - old.length());
        if (size > Limits.MAX_SEQUENCE) {
            throw PyException.limit("replace() result too long (more than " + Limits.MAX_SEQUENCE
                    + " characters)");
        }
        budget.charge(value.length() + size);
        return old.isEmpty() ? insertEverywhere(value, replacement) : value.replace(old, replacement);
    }

    private static long countOf(String value, String part) {
        long n = 0;
        for (int i = value.indexOf(part); i >= 0; i = value.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    /** Python's s.replace('', x): x between every character and at both ends. */
    private static String insertEverywhere(String value, String x) {
        StringBuilder out = new StringBuilder(x);
        value.codePoints().forEach(cp -> out.appendCodePoint(cp).append(x));
        return out.toString();
    }
}
