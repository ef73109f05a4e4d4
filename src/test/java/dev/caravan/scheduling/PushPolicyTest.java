package dev.caravan.scheduling;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PushPolicyTest {

    private static final Instant PUSHED = Instant.parse("2021-09-01T10:00:00Z");

    private static Instant after(Duration d) {
        return PUSHED.plus(d);
    }

    @Test
    void threeHourIntervalIsDueFiveMinutesEarlyButNotSooner() {
        PushPolicy p = new PushPolicy(Duration.ofHours(3));

        assertThat(p.isDue(Optional.of(PUSHED), after(Duration.ofMinutes(174)), false)).isFalse(); // 2h54m
        assertThat(p.isDue(Optional.of(PUSHED), after(Duration.ofMinutes(175).minusSeconds(1)), false)).isFalse();
        assertThat(p.isDue(Optional.of(PUSHED), after(Duration.ofMinutes(175)), false)).isTrue(); // 2h55m
        assertThat(p.isDue(Optional.of(PUSHED), after(Duration.ofHours(5)), false)).isTrue();
    }

    @Test
    void oneMinuteIntervalIsDueAfterExactlyOneMinute() {
        PushPolicy p = new PushPolicy(Duration.ofMinutes(1));

        assertThat(p.isDue(Optional.of(PUSHED), after(Duration.ofSeconds(59)), false)).isFalse();
        assertThat(p.isDue(Optional.of(PUSHED), after(Duration.ofSeconds(60)), false)).isTrue();
        assertThat(p.effectiveInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shortIntervalsGetNoSlack() {
        assertThat(new PushPolicy(Duration.ofMinutes(9)).effectiveInterval()).isEqualTo(Duration.ofMinutes(9));
        assertThat(new PushPolicy(Duration.ofMinutes(10)).effectiveInterval()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void urgentIsAlwaysDue() {
        PushPolicy p = new PushPolicy(Duration.ofHours(3));

        assertThat(p.isDue(Optional.of(PUSHED), PUSHED, true)).isTrue();
        assertThat(p.isDue(Optional.of(PUSHED), after(Duration.ofSeconds(1)), true)).isTrue();
        assertThat(p.isDue(Optional.empty(), PUSHED, true)).isTrue();
    }

    @Test
    void neverPushedIsDue() {
        assertThat(new PushPolicy(Duration.ofHours(3)).isDue(Optional.empty(), PUSHED, false)).isTrue();
    }
}
