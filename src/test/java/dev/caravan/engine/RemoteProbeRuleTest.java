package dev.caravan.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, recovery within two cycles: while the remote was down a look beside a cycle was skipped when one had started
 * less than {@code probe-interval} (200 ms) before, so with cycles about 5 a second the look that would find the remote
 * back came a cycle or two late. While it is down the interval no longer applies; one look at a time still does.
 */
class RemoteProbeRuleTest {

    private static final long MS = 1_000_000L;

    private final RemoteProbe probe = new RemoteProbe(Duration.ofMillis(200));

    @Test
    void whileTheRemoteAnswersAtMostOneLookPerInterval() {
        assertThat(probe.claim(0, false)).isTrue();
        probe.done();
        assertThat(probe.claim(50 * MS, false)).as("50 ms after the last look").isFalse();
        assertThat(probe.claim(200 * MS, false)).as("an interval after it").isTrue();
    }

    @Test
    void whileTheRemoteIsDownTheNextCycleLooksAgainAtOnce() {
        assertThat(probe.claim(0, true)).isTrue();
        probe.done(); // it did not answer
        assertThat(probe.claim(50 * MS, true)).as("the cycle after a failed look looks again").isTrue();
    }

    @Test
    void neverTwoLooksAtOnceEvenWhileTheRemoteIsDown() {
        assertThat(probe.claim(0, true)).isTrue();
        assertThat(probe.claim(5_000 * MS, true)).as("a look still in flight (a remote that hangs)").isFalse();
        probe.done();
        assertThat(probe.claim(5_001 * MS, true)).isTrue();
    }

    @Test
    void aCycleWaitsForItsLookUntilItEnds() throws Exception {
        assertThat(probe.claim(0, true)).isTrue();
        Thread look = new Thread(probe::done);
        look.start();
        assertThat(probe.awaitDone(Duration.ofSeconds(30))).as("the look ended within the wait").isTrue();
        look.join();
    }

    @Test
    void aLookThatHangsHoldsTheCycleNoLongerThanTheWait() throws Exception {
        assertThat(probe.claim(0, true)).isTrue();
        long t0 = System.nanoTime();
        assertThat(probe.awaitDone(Duration.ofMillis(50))).as("still in flight").isFalse();
        assertThat(System.nanoTime() - t0).as("waited the wait, not more than a moment beyond").isBetween(50 * MS, 5_000 * MS);
        assertThat(probe.claim(60 * MS, true)).as("and it is still the one look in flight").isFalse();
    }
}
