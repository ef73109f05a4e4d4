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
        Digits quick = fixedFromShortest(v, n);
        return quick != null ? quick : fixedExactly(v, n);
    }

    /** 10^-n for the n where {@link #fixedFromShortest} may answer. */
    private static final double[] TENTHS = {1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11,
        1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18, 1e-19, 1e-20};

    /**
     * Mode 3 from the shortest digits d of v, without expanding v exactly (a {@code :.1f} over 100,000 features
     * spent most of its time in BigDecimal), or null where only the exact value can say. When v's spacing (ulp) is
     * at most half of 10^-n: if d has at most n decimals it is the nearest n-decimal number to v (any other lies a
     * full 10^-n away, d less than half an ulp); if it has more, rounding d gives what rounding v gives unless d
     * sits exactly halfway (a halfway point between d and v would be a shorter or closer digit string that also
     * reads back as v, which the shortest digits are not). The halfway case and larger values go the exact way.
     */
    static Digits fixedFromShortest(double v, int n) {
        if (n >= TENTHS.length || v < Double.MIN_NORMAL || !(Math.ulp(v) * 2 <= TENTHS[n])) {
            return null;
        }
        Digits d = ShortestDigits.of(v);
        String s = d.digits();
        int keep = d.decpt() + n; // digits of s that stand before the n-th decimal
        if (keep >= s.length()) {
            return d;
        }
        if (keep < 0) {
            return new Digits("", -n); // below half of 10^-n: rounds to zero
        }
        char next = s.charAt(keep);
        if (next == '5' && keep == s.length() - 1) {
            return null; // exactly halfway in d: the exact value decides
        }
        long kept = keep == 0 ? 0 : Long.parseLong(s, 0, keep, 10);
        if (next >= '5') {
            kept++;
        }
        if (kept == 0) {
            return new Digits("", -n);
        }
        // kept × 10^-n, as digits without trailing zeros and the decimal point
        int e = -n;
        while (kept % 10 == 0) {
            kept /= 10;
            e++;
        }
        String digits = Long.toString(kept);
        return new Digits(digits, digits.length() + e);
    }

    /** Mode 3 on the exact binary value. */
    static Digits fixedExactly(double v, int n) {
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
