package dev.caravan.batches.python;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Python's {@code format(value, spec)} for str, int, bool and float, following CPython's formatter: the
 * same defaults per type, the same errors, sign-aware zero padding that puts separators into the padding
 * ({@code format(1234, '010,')} is {@code 00,001,234}), and correctly rounded floats. Other values accept
 * only the empty spec, as {@code object.__format__} does.
 */
public final class PyFormat {

    private PyFormat() {
    }

    public static String format(Object value, FormatSpec spec, Budget budget) {
        if (spec.text().isEmpty()) {
            return PyRepr.str(value, budget);
        }
        budget.charge(Math.max(spec.width(), 0) + Math.max(spec.precision(), 0) + 1);
        if (value instanceof String s) {
            return formatString(s, spec);
        }
        if (Py.isIntegral(value)) {
            return formatInt(value, spec);
        }
        if (Py.isFloat(value)) {
            char type = spec.type();
            if (type != 0 && "eEfFgGn%".indexOf(type) < 0) {
                throw unknownCode(type, value);
            }
            return formatFloat(((Number) value).doubleValue(), spec);
        }
        throw PyException.type("unsupported format string passed to " + Py.typeName(value) + ".__format__");
    }

    private static PyException unknownCode(char type, Object value) {
        String code = type > 32 && type < 128 ? String.valueOf(type) : String.format("\\x%x", (int) type);
        return PyException.value("Unknown format code '" + code + "' for object of type '" + Py.typeName(value)
                + "'");
    }

    private static String formatString(String s, FormatSpec spec) {
        char type = spec.type();
        if (spec.grouping() != 0 && (type == 0 || type == 's')) {
            throw PyException.value("Cannot specify '" + spec.grouping() + "' with 's'.");
        }
        if (type != 0 && type != 's') {
            throw unknownCode(type, s);
        }
        if (spec.sign() != 0) {
            throw PyException.value("Sign not allowed in string format specifier");
        }
        if (spec.noNegZero()) {
            throw PyException.value("Negative zero coercion (z) not allowed in string format specifier");
        }
        if (spec.alternate()) {
            throw PyException.value("Alternate form (#) not allowed in string format specifier");
        }
        if (spec.align() == '=') {
            throw PyException.value("'=' alignment not allowed in string format specifier");
        }
        String body = s;
        if (spec.precision() >= 0 && PyText.length(s) > spec.precision()) {
            body = s.substring(0, s.offsetByCodePoints(0, spec.precision()));
        }
        int fill = spec.zero() ? '0' : spec.fill();
        char align = spec.align() == 0 ? '<' : spec.align();
        int padding = spec.width() - PyText.length(body);
        return pad(body, padding, align, fill);
    }

    private static String pad(String body, int padding, char align, int fill) {
        if (padding <= 0) {
            return body;
        }
        int left = align == '>' ? padding : align == '^' ? padding / 2 : 0;
        StringBuilder out = new StringBuilder(body.length() + padding);
        repeat(out, fill, left);
        out.append(body);
        repeat(out, fill, padding - left);
        return out.toString();
    }

    private static void repeat(StringBuilder out, int c, int n) {
        for (int i = 0; i < n; i++) {
            out.appendCodePoint(c);
        }
    }

    private static String formatInt(Object value, FormatSpec spec) {
        char type = spec.type() == 0 ? 'd' : spec.type();
        if (spec.grouping() != 0) {
            checkGrouping(spec.grouping(), type);
        }
        if ("eEfFgG%".indexOf(type) >= 0) {
            return formatFloat(Py.toDouble(value), spec);
        }
        if ("bcdoxXn".indexOf(type) < 0) {
            throw unknownCode(type, value);
        }
        if (spec.precision() >= 0) {
            throw PyException.value("Precision not allowed in integer format specifier");
        }
        if (spec.noNegZero()) {
            throw PyException.value("Negative zero coercion (z) not allowed in integer format specifier");
        }
        BigInteger v = Py.big(value);
        if (type == 'c') {
            if (spec.sign() != 0) {
                throw PyException.value("Sign not allowed with integer format specifier 'c'");
            }
            if (spec.alternate()) {
                throw PyException.value("Alternate form (#) not allowed with integer format specifier 'c'");
            }
            if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(0x10ffff)) > 0) {
                throw new PyException("OverflowError", "%c arg not in range(0x110000)");
            }
            String ch = new String(Character.toChars(v.intValue()));
            return number(spec, false, "", "", ch, 0);
        }
        int radix = switch (type) {
            case 'b' -> 2;
            case 'o' -> 8;
            case 'x', 'X' -> 16;
            default -> 10;
        };
        // a long's digits without BigInteger: {index:06d} over 100,000 features spent a sixth of its time there
        boolean small = value instanceof Long || value instanceof Integer;
        long l = small ? ((Number) value).longValue() : 0;
        String digits = small && l != Long.MIN_VALUE ? Long.toString(Math.abs(l), radix) : v.abs().toString(radix);
        String prefix = !spec.alternate() || radix == 10 ? "" : "0" + type;
        if (type == 'X') {
            digits = digits.toUpperCase(Locale.ROOT);
        }
        int groupSize = spec.grouping() == 0 ? 0 : radix == 10 ? 3 : 4;
        return number(spec, v.signum() < 0, prefix, digits, "", groupSize);
    }

    private static void checkGrouping(char grouping, char type) {
        String allowed = grouping == ',' ? "deEfFgG%" : "deEfFgG%boxX";
        if (allowed.indexOf(type) < 0) {
            throw PyException.value("Cannot specify '" + grouping + "' with '" + type + "'.");
        }
    }

    private static String formatFloat(double v, FormatSpec spec) {
        char type = spec.type();
        if (spec.grouping() != 0 && type != 0) {
            checkGrouping(spec.grouping(), type);
        }
        boolean addDot0 = false;
        int precision = spec.precision();
        if (type == 0) {
            addDot0 = true;
            type = precision < 0 ? 'r' : 'g';
        } else if (type == 'n') {
            type = 'g';
        }
        boolean percent = false;
        if (type == '%') {
            type = 'f';
            v *= 100;
            percent = true;
        }
        if (precision < 0 && type != 'r') {
            precision = 6;
        }
        String text = FloatText.format(v, type, precision, addDot0, spec.alternate(), spec.noNegZero());
        if (percent) {
            text += "%";
        }
        boolean negative = text.startsWith("-");
        String body = negative ? text.substring(1) : text;
        int end = 0;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        int groupSize = spec.grouping() == 0 ? 0 : 3;
        return number(spec, negative, "", body.substring(0, end), body.substring(end), groupSize);
    }

    /**
     * Lays a number out as CPython's fill_number does: padding, sign, prefix, padding, digits (grouped, and
     * zero-filled to the width when the fill is '0' with '=' alignment), then the rest (decimal part,
     * exponent, '%').
     */
    private static String number(FormatSpec spec, boolean negative, String prefix, String digits, String rest,
            int groupSize) {
        char align = spec.align() != 0 ? spec.align() : spec.zero() ? '=' : '>';
        int fill = spec.zero() ? '0' : spec.fill();
        String sign = negative ? "-" : spec.sign() == '+' ? "+" : spec.sign() == ' ' ? " " : "";
        int nonDigits = sign.length() + prefix.length() + rest.length();
        int minWidth = fill == '0' && align == '=' ? spec.width() - nonDigits : 0;
        String grouped = digits.isEmpty() ? "" : Grouping.group(digits, minWidth, groupSize,
                spec.grouping() == 0 ? "" : String.valueOf(spec.grouping()));
        int padding = spec.width() - (nonDigits + grouped.length());
        StringBuilder out = new StringBuilder();
        int left = 0;
        int inner = 0;
        int right = 0;
        if (padding > 0) {
            switch (align) {
                case '<' -> right = padding;
                case '^' -> {
                    left = padding / 2;
                    right = padding - left;
                }
                case '=' -> inner = padding;
                default -> left = padding;
            }
        }
        repeat(out, fill, left);
        out.append(sign).append(prefix);
        repeat(out, fill, inner);
        out.append(grouped).append(rest);
        repeat(out, fill, right);
        return out.toString();
    }
}
