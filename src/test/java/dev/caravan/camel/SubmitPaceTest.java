package dev.caravan.camel;

import dev.caravan.engine.SubmitOutcome;
import dev.caravan.model.Environment;
import dev.caravan.model.JobRef;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The release path's pace, its pool size and the gathering of its outcomes (issue 15). */
class SubmitPaceTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private static Environment env(String backend, Map<String, String> s) {
        return new Environment("e", backend, 100, 0, s);
    }

    @Test
    void poolIsSizedToThePaceNotFixed() {
        SubmitPace aws = SubmitPace.of(env("awsbatch", Map.of("region", "us-east-1")));
        assertThat(aws).isEqualTo(new SubmitPace(50, 1000));
        assertThat(aws.threads(2)).isEqualTo(50); // 50/s at up to a second a submission
        assertThat(SubmitPace.of(env("local", Map.of("submit-interval", "5s"))).threads(2)).isEqualTo(1);
        assertThat(SubmitPace.of(env("local", Map.of())).threads(2)).isEqualTo(8);
        assertThat(SubmitPace.poolThreads(List.of(env("local", Map.of("submit-interval", "5s")),
                env("awsbatch", Map.of("region", "us-east-1"))), 2)).isEqualTo(50);
    }

    @Test
    void rateLimiterKeepsTheAverageAndCatchesUpAfterALateStart() {
        SubmitLimiter l = new SubmitLimiter(new SubmitPace(50, 1000));
        long t = 1_000_000 * MS;
        // half a second's worth at once, then one every 20 ms
        for (int i = 0; i < 25; i++) {
            assertThat(l.reserve(t)).isZero();
        }
        assertThat(l.reserve(t)).isEqualTo(20 * MS);
        assertThat(l.reserve(t)).isEqualTo(40 * MS);
        // 25 at once, then one every 20 ms: 74 in the first second, within what a bucket of one second's worth (AWS's
        // 50), full at first and refilled at 50/s, takes (100)
        int inFirstSecond = 27;
        while (l.reserve(t) < 1000 * MS) {
            inFirstSecond++;
        }
        assertThat(inFirstSecond).isEqualTo(74);
        // a caller two seconds late (a busy machine) is not held back: the missed slots are used, up to the burst
        long late = t + 3000 * MS;
        int atOnce = 0;
        while (l.reserve(late) == 0) {
            atOnce++;
        }
        assertThat(atOnce).isEqualTo(25);
    }

    /**
     * The benchmark's proxy (and AWS): a bucket of one second's worth, full at first, refilled continuously; a request
     * finding less than one token is refused. Fed the limiter's slots, each reaching it late by anything up to half a
     * second and so out of their order, it refuses none: the half bucket the limiter leaves is the room for that
     * (a whole bucket at first left none, and its first refusals' retries kept the bucket empty).
     */
    @Test
    void submissionsReachingAwsOutOfOrderByUpToHalfASecondAreNeverRefused() {
        SubmitLimiter l = new SubmitLimiter(new SubmitPace(50, 1000));
        long t0 = 5_000 * MS;
        List<Long> arrivals = new ArrayList<>();
        java.util.Random random = new java.util.Random(15);
        for (int i = 0; i < 2_000; i++) {
            long slot = t0 + l.reserve(t0);
            // the worst kind of lateness: some at once, others held nearly half a second, so later ones overtake them
            long late = random.nextBoolean() ? 0 : 499 * MS;
            arrivals.add(slot + late);
        }
        arrivals.sort(null);
        double tokens = 50;
        long last = arrivals.get(0);
        for (int i = 0; i < arrivals.size(); i++) {
            long at = arrivals.get(i);
            tokens = Math.min(50, tokens + (at - last) / 1e9 * 50);
            last = at;
            assertThat(tokens).as("arrival %d at +%d ms", i, (at - t0) / MS).isGreaterThanOrEqualTo(1 - 1e-9);
            tokens -= 1;
        }
    }

    @Test
    void intervalPaceWaitsTheWholeIntervalBetweenTwoSubmissions() {
        SubmitLimiter l = new SubmitLimiter(SubmitPace.of(env("local", Map.of("submit-interval", "5s"))));
        long t = 42 * MS;
        assertThat(l.reserve(t)).isZero();
        assertThat(l.reserve(t + 10 * MS)).isEqualTo(4990 * MS);
        // after a quiet minute, the next goes at once, the one after it waits again
        assertThat(l.reserve(t + 60_000 * MS)).isZero();
        assertThat(l.reserve(t + 60_000 * MS)).isEqualTo(5000 * MS);
    }

    @Test
    void outcomesAreGatheredInPlace() {
        SubmitOutcomes agg = new SubmitOutcomes();
        DefaultCamelContext ctx = new DefaultCamelContext();
        Exchange gathered = null;
        List<SubmitOutcome> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Exchange next = new DefaultExchange(ctx);
            SubmitOutcome o = new SubmitOutcome(new JobRef("G", "b", "job." + i), SubmitOutcome.Kind.SUBMITTED, "run" + i);
            expected.add(o);
            next.getMessage().setBody(i % 2 == 0 ? o : List.of(o)); // a chain answers with a list
            Exchange before = gathered;
            gathered = agg.aggregate(gathered, next);
            if (before != null) {
                assertThat(gathered).isSameAs(before);
            }
        }
        assertThat(gathered.getMessage().getBody(List.class)).containsExactlyElementsOf(expected);
    }
}
