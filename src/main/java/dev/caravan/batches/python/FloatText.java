package dev.caravan.batches.python;

/**
 * A float as text for one presentation type, as CPython's format_float_short writes it: 'e', 'f', 'g' (and
 * their capitals) with a precision, or 'r' (repr, the shortest digits). The sign is '-' for negative values
 * (including -0.0 and values that round to zero) unless z-coercion is asked for.
 */
final class FloatText {

    private FloatText() {
    }

    static String format(double v, char type, int precision, boolean addDot0, boolean alternate,
            boolean noNegZero) {
        boolean upper = Character.isUpperCase(type);
        char code = Character.toLowerCase(type);
        boolean negative = v < 0 || (v == 0 && 1 / v < 0);
        if (Double.isNaN(v)) {
            return upper ? "NAN" : "nan";
        }
        if (Double.isInfinite(v)) {
            String inf = upper ? "INF" : "inf";
            return negative ? "-" + inf : inf;
        }
        double abs = Math.abs(v);
        Dtoa.Digits d = switch (code) {
            case 'e' -> Dtoa.significant(abs, precision + 1);
            case 'f' -> Dtoa.fixed(abs, precision);
            case 'g' -> Dtoa.significant(abs, Math.max(precision, 1));
            default -> Dtoa.shortest(abs);
        };
        String digits = d.digits();
        int decpt = d.decpt();
        if (noNegZero && negative && (digits.isEmpty() || digits.equals("0"))) {
            negative = false;
        }
        int digitsLen = digits.length();
        int vEnd = digitsLen;
        boolean useExp = false;
        switch (code) {
            case 'e' -> {
                useExp = true;
                vEnd = precision + 1;
            }
            case 'f' -> vEnd = decpt + precision;
            case 'g' -> {
                int p = Math.max(precision, 1);
                if (decpt <= -4 || decpt > (addDot0 ? p - 1 : p)) {
                    useExp = true;
                }
                if (alternate) {
                    vEnd = p;
                }
            }
            default -> useExp = decpt <= -4 || decpt > 16;
        }
        int exp = 0;
        if (useExp) {
            exp = decpt - 1;
            decpt = 1;
        }
        int vStart = decpt <= 0 ? decpt - 1 : 0;
        if (!useExp && addDot0) {
            vEnd = Math.max(vEnd, decpt + 1);
        } else {
            vEnd = Math.max(vEnd, decpt);
        }
        StringBuilder out = new StringBuilder(Math.max(16, vEnd - vStart + 8));
        if (negative) {
            out.append('-');
        }
        if (decpt <= 0) {
            zeros(out, decpt - vStart);
            out.append('.');
            zeros(out, -decpt);
        } else {
            zeros(out, -vStart);
        }
        if (0 < decpt && decpt <= digitsLen) {
            out.append(digits, 0, decpt).append('.').append(digits, decpt, digitsLen);
        } else {
            out.append(digits);
        }
        if (digitsLen < decpt) {
            zeros(out, decpt - digitsLen);
            out.append('.');
            zeros(out, vEnd - decpt);
        } else {
            zeros(out, vEnd - digitsLen);
        }
        if (out.charAt(out.length() - 1) == '.' && !alternate) {
            out.setLength(out.length() - 1);
        }
        if (useExp) {
            out.append(upper ? 'E' : 'e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                out.append('0');
            }
            out.append(a);
        }
        return out.toString();
    }

    private static void zeros(StringBuilder out, int n) {
        for (int i = 0; i < n; i++) {
            out.append('0');
        }
    }
}
