package dev.caravan.batches.python;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The decimal digits of a double the way Python's float-to-text code gets them (David Gay's dtoa, modes 0,
 * 2 and 3): the value is 0.DIGITS × 10^decpt, DIGITS without trailing zeros. Rounding is always on the
 * exact binary value, half to even, so 2.675 to two places is 2.67 and 0.125 is 0.12, as in Python.
 */
public final class Dtoa {

    /** Digits and decimal-point position of a non-negative finite value: {@code 0.DIGITS × 10^decpt}. */
    public record Digits(String digits, int decpt) {
    }

    private static final Digits ZERO = new Digits("0", 1);

    private Dtoa() {
    }

    /**
     * Mode 0: the shortest digits that read back as the same double and, among those, the closest to it,
     * ties to an even digit (what Python's repr prints). Normal doubles use {@link ShortestDigits};
     * subnormals, where fewer digits are exact, are searched on the exact value.
     */
    public static Digits shortest(double v) {
        if (v == 0) {
            return ZERO;
        }
        if (v >= Double.MIN_NORMAL) {
            return ShortestDigits.of(v);
        }
        BigDecimal exact = new BigDecimal(v);
        for (int n = 1; n < 17; n++) {
            BigDecimal found = roundTrip(exact, n, v);
            if (found != null) {
                return digitsOf(found);
            }
        }
        return digitsOf(roundTrip(exact, 17, v));
    }

    /** The closest decimal of n significant digits that reads back as v, or null. */
    private static BigDecimal roundTrip(BigDecimal exact, int n, double v) {
        BigDecimal nearest = exact.round(new MathContext(n, RoundingMode.HALF_EVEN));
        if (nearest.doubleValue() == v) {
            return nearest;
        }
        BigDecimal down = exact.round(new MathContext(n, RoundingMode.DOWN));
        BigDecimal other = down.compareTo(nearest) == 0 ? exact.round(new MathContext(n, RoundingMode.UP)) : down;
        return other.doubleValue() == v ? other : null;
    }

    /** Mode 2: n significant digits (n ≥ 1). */
    public static Digits significant(double v, int n) {
        if (v == 0) {
            return ZERO;
        }
        return digitsOf(new BigDecimal(v).round(new MathContext(n, RoundingMode.HALF_EVEN)));
    }

    /** Mode 3: n digits after the decimal point; a value that rounds to zero has no digits, decpt = -n. */
    public static Digits fixed(double v, int n) {
        if (v == 0) {
            return ZERO;
        }
        BigDecimal r = new BigDecimal(v).setScale(n, RoundingMode.HALF_EVEN);
        if (r.signum() == 0) {
            return new Digits("", -n);
        }
        return digitsOf(r);
    }

    private static Digits digitsOf(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        String digits = s.unscaledValue().abs().toString();
        return new Digits(digits, digits.length() - s.scale());
    }
}
