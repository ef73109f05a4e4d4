package dev.caravan.batches.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Floats print as Python prints them. {@code oracle/float-cases.tsv} holds repr() and format() of 1,800
 * awkward doubles as Python 3.11 printed them ({@code oracle/make_float_cases.py}); a brute-force search
 * for the shortest round-tripping digits checks many more random doubles.
 */
class FloatReprTest {

    @Test
    void reprAndFormatMatchPythonOnAwkwardDoubles() throws Exception {
        int checked = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(getClass().getResourceAsStream(
                "/dev/caravan/batches/oracle/float-cases.tsv"), StandardCharsets.UTF_8))) {
            String[] header = r.readLine().split("\t", -1);
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", -1);
                double x = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
                assertThat(FloatRepr.repr(x)).as("repr of %s", f[0]).isEqualTo(f[1]);
                for (int i = 2; i < f.length; i++) {
                    String spec = header[i].substring("format:".length());
                    String got = PyFormat.format(x, FormatSpec.parse(spec, "float"), Budget.unlimited());
                    assertThat(got).as("format(%s, '%s')", f[1], spec).isEqualTo(f[i]);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(20_000);
    }

    @Test
    void shortestDigitsAreTheShortestThatRoundTrip() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            double x = Math.abs(i % 2 == 0 ? Double.longBitsToDouble(random.nextLong())
                    : Double.parseDouble(String.format("%." + (1 + random.nextInt(17)) + "g",
                            random.nextDouble(-200, 200))));
            if (!Double.isFinite(x) || x == 0) {
                continue;
            }
            assertThat(Dtoa.shortest(x)).as("%s", x).isEqualTo(reference(x));
        }
    }

    @Test
    void everyPowerOfTwoAndItsNeighbours() {
        // a power of two has a lower neighbour half as far as the upper one: the asymmetric case
        for (int e = -1022; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            for (double x : new double[] {p, Math.nextDown(p), Math.nextUp(p)}) {
                if (x >= Double.MIN_NORMAL && Double.isFinite(x)) {
                    assertThat(Dtoa.shortest(x)).as("%s", x).isEqualTo(reference(x));
                }
            }
        }
    }

    @Test
    void scalingFloorsAreExact() {
        for (int q = -1100; q <= 1100; q++) {
            BigDecimal pow2 = q >= 0 ? new BigDecimal(java.math.BigInteger.TWO.pow(q))
                    : BigDecimal.ONE.divide(new BigDecimal(java.math.BigInteger.TWO.pow(-q)));
            assertThat(ShortestDigits.flog10pow2(q)).as("q=%d", q).isEqualTo(floorLog10(pow2));
            assertThat(ShortestDigits.flog10threeQuartersPow2(q)).as("q=%d", q)
                    .isEqualTo(floorLog10(pow2.multiply(new BigDecimal("0.75"))));
        }
        for (int e = -400; e <= 400; e++) {
            java.math.BigInteger ten = java.math.BigInteger.TEN.pow(Math.abs(e));
            int floorLog2 = e >= 0 ? ten.bitLength() - 1 : -(ten.bitLength() - (ten.bitCount() == 1 ? 1 : 0));
            assertThat(ShortestDigits.flog2pow10(e)).as("e=%d", e).isEqualTo(floorLog2);
        }
    }

    private static int floorLog10(BigDecimal x) {
        return x.precision() - x.scale() - 1;
    }

    /** Tries every length from 1 digit: the first that reads back, and its closest candidate there. */
    private static Dtoa.Digits reference(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int n = 1; n <= 17; n++) {
            BigDecimal lo = exact.round(new MathContext(n, RoundingMode.FLOOR));
            BigDecimal hi = exact.round(new MathContext(n, RoundingMode.CEILING));
            boolean loOk = lo.doubleValue() == x;
            boolean hiOk = hi.doubleValue() == x;
            if (loOk || hiOk) {
                // both read back: the closer, and on a tie the even one (Python: 1250000000000000.25 -> ...0.2)
                BigDecimal best = loOk && hiOk ? exact.round(new MathContext(n, RoundingMode.HALF_EVEN))
                        : loOk ? lo : hi;
                BigDecimal s = best.stripTrailingZeros();
                String digits = s.unscaledValue().toString();
                return new Dtoa.Digits(digits, digits.length() - s.scale());
            }
        }
        throw new AssertionError("no digits for " + x);
    }
}
