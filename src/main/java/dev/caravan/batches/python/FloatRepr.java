package dev.caravan.batches.python;

/** Python's repr (and str) of a float: 0.1, 1e+16, 1.0, 5e-324, -0.0, inf, nan. */
public final class FloatRepr {

    private FloatRepr() {
    }

    public static String repr(double v) {
        StringBuilder out = new StringBuilder(24);
        append(v, out);
        return out.toString();
    }

    public static void append(double v, StringBuilder out) {
        if (Double.isNaN(v)) {
            out.append("nan");
            return;
        }
        if (Double.isInfinite(v)) {
            out.append(v > 0 ? "inf" : "-inf");
            return;
        }
        if (v < 0 || (v == 0 && 1 / v < 0)) {
            out.append('-');
            v = -v;
        }
        if (v == Math.rint(v) && v < 1e16) {
            // whole numbers below 1e16 print as themselves plus ".0": the common case, without digit search
            out.append((long) v).append(".0");
            return;
        }
        Dtoa.Digits d = Dtoa.shortest(v);
        String digits = d.digits();
        int decpt = d.decpt();
        if (decpt <= -4 || decpt > 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            out.append(exp < 0 ? "e-" : "e+");
            int abs = Math.abs(exp);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (decpt <= 0) {
            out.append("0.");
            for (int i = decpt; i < 0; i++) {
                out.append('0');
            }
            out.append(digits);
        } else if (decpt >= digits.length()) {
            out.append(digits);
            for (int i = digits.length(); i < decpt; i++) {
                out.append('0');
            }
            out.append(".0");
        } else {
            out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
    }
}
