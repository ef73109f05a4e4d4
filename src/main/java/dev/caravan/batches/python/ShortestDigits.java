package dev.caravan.batches.python;

import java.math.BigInteger;

/**
 * The shortest decimal that reads back as a given normal double, closest to it, ties to an even digit:
 * the digits Python's repr prints. Java 17's Double.toString is not always shortest, and searching with
 * BigDecimal costs microseconds a number, too slow for the checksum of a 10 MB GeoJSON.
 *
 * <p>The method is Raffaello Giulietti's "Schubfach" (The Schubfach way to render doubles, 2020): the
 * rounding interval of the double, scaled by a power of ten so it holds 16 or 17 digits, is computed
 * with a 126-bit approximation of that power and rounding to odd, which keeps every comparison below
 * exact. The interval is narrower than 10 units there, so at most one multiple of ten lies in it (then
 * it is the shortest), else the two neighbours of the scaled value are tried.
 */
final class ShortestDigits {

    private static final long C_MIN = 1L << 52;
    private static final int Q_MIN = -1074;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    private static final long MASK_63 = (1L << 63) - 1;
    private static final long[] G1 = new long[K_MAX - K_MIN + 1];
    private static final long[] G0 = new long[K_MAX - K_MIN + 1];

    static {
        // g(k) = floor(10^-k * 2^(125 - floor(log2 10^-k))) + 1, a 126-bit number, kept as two 63-bit halves
        for (int k = K_MIN; k <= K_MAX; k++) {
            int shift = 125 - flog2pow10(-k);
            BigInteger num = BigInteger.ONE;
            BigInteger den = BigInteger.ONE;
            if (k < 0) {
                num = BigInteger.TEN.pow(-k);
            } else {
                den = BigInteger.TEN.pow(k);
            }
            if (shift >= 0) {
                num = num.shiftLeft(shift);
            } else {
                den = den.shiftLeft(-shift);
            }
            BigInteger g = num.divide(den).add(BigInteger.ONE);
            G1[k - K_MIN] = g.shiftRight(63).longValueExact();
            G0[k - K_MIN] = g.longValue() & MASK_63;
        }
    }

    private ShortestDigits() {
    }

    /** floor(q * log10(2)), exact for |q| ≤ 5456. */
    static int flog10pow2(int q) {
        return (int) ((q * 661_971_961_083L) >> 41);
    }

    /** floor(log10(3/4 * 2^q)), exact for |q| ≤ 5456. */
    static int flog10threeQuartersPow2(int q) {
        return (int) ((q * 661_971_961_083L - 274_743_187_321L) >> 41);
    }

    /** floor(e * log2(10)), exact for |e| ≤ 1233. */
    static int flog2pow10(int e) {
        return (int) ((e * 913_124_641_741L) >> 38);
    }

    /** Digits and decimal point of a positive normal double. */
    static Dtoa.Digits of(double v) {
        long bits = Double.doubleToRawLongBits(v);
        int bq = (int) (bits >>> 52) & 0x7ff;
        long c = C_MIN | (bits & (C_MIN - 1));
        int q = bq - 1075;
        int out = (int) c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            // the power of two's lower neighbour is half as far: the interval is asymmetric
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        int h = q + flog2pow10(-k) + 2;
        long g1 = G1[k - K_MIN];
        long g0 = G0[k - K_MIN];
        long vb = roundToOdd(g1, g0, cb << h);
        long vbl = roundToOdd(g1, g0, cbl << h);
        long vbr = roundToOdd(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 100) {
            long sp10 = s / 10 * 10;
            long tp10 = sp10 + 10;
            boolean lowerIn = vbl + out <= sp10 << 2;
            boolean upperIn = (tp10 << 2) + out <= vbr;
            if (lowerIn != upperIn) {
                return digits(lowerIn ? sp10 : tp10, k);
            }
        }
        long t = s + 1;
        boolean sIn = vbl + out <= s << 2;
        boolean tIn = (t << 2) + out <= vbr;
        if (sIn != tIn) {
            return digits(sIn ? s : t, k);
        }
        long cmp = vb - ((s + t) << 1);
        return digits(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t, k);
    }

    /** (g * cp) >> 127 with g = g1 * 2^63 + g0, its lowest bit set when bits were dropped (round to odd). */
    private static long roundToOdd(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | ((z & MASK_63) + MASK_63) >>> 63;
    }

    /** f * 10^e as digits without trailing zeros and the decimal point position. */
    private static Dtoa.Digits digits(long f, int e) {
        while (f % 10 == 0) {
            f /= 10;
            e++;
        }
        String d = Long.toString(f);
        return new Dtoa.Digits(d, d.length() + e);
    }
}
