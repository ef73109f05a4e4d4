package dev.caravan.batches.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code :.Nf} from the shortest digits gives what rounding the exact binary value gives, wherever it answers. */
class DtoaFixedTest {

    @Test
    void fromTheShortestDigitsAsFromTheExactValue() {
        SplittableRandom random = new SplittableRandom(2026);
        int answered = 0;
        for (int i = 0; i < 400_000; i++) {
            double v = switch (i % 4) {
                case 0 -> random.nextDouble() * Math.pow(10, random.nextInt(-12, 18));
                case 1 -> Double.longBitsToDouble(random.nextLong(0x0010000000000000L, 0x7fefffffffffffffL));
                case 2 -> random.nextInt(0, 1_000_000) / Math.pow(10, random.nextInt(0, 8)); // short decimals, ties
                default -> (random.nextInt(0, 100_000) + 0.5) / Math.pow(2, random.nextInt(0, 12)); // exact halves
            };
            int n = random.nextInt(0, 22);
            Dtoa.Digits quick = Dtoa.fixedFromShortest(v, n);
            if (quick != null) {
                answered++;
                assertThat(quick).as("%s to %d places", v, n).isEqualTo(Dtoa.fixedExactly(v, n));
            }
        }
        assertThat(answered).isGreaterThan(100_000);
    }

    @Test
    void halfwayAndCarryCases() {
        // 2.675 is 2.67499999... in binary, 0.125 and 2.5 are exact ties (to even), 9.96 carries into a new digit
        for (double v : new double[] {2.675, 0.125, 0.375, 2.5, 0.5, 1.5, 0.05, 0.15, 0.25, 9.96, 99.95, 0.0049, 0.005,
            1e-7, 123456.789, 4503599627370495.5, 1e15 + 0.3}) {
            for (int n = 0; n < 8; n++) {
                assertThat(Dtoa.fixed(v, n)).as("%s to %d places", v, n).isEqualTo(Dtoa.fixedExactly(v, n));
            }
        }
        assertThat(PyFormat.format(2.675, FormatSpec.parse(".2f", "float"), Budget.unlimited())).isEqualTo("2.67");
        assertThat(PyFormat.format(0.125, FormatSpec.parse(".2f", "float"), Budget.unlimited())).isEqualTo("0.12");
        assertThat(PyFormat.format(9.96, FormatSpec.parse(".1f", "float"), Budget.unlimited())).isEqualTo("10.0");
    }
}
