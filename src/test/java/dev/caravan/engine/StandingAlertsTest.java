package dev.caravan.engine;

import dev.caravan.model.Level;
import dev.caravan.model.Notification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 16.6: a standing condition is said when it starts, at the reminder interval, and when it clears. */
class StandingAlertsTest {

    private final Instant t0 = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void onceAtStartThenAtTheReminderIntervalThenOnceWhenCleared() {
        StandingAlerts a = new StandingAlerts(Duration.ofHours(1));
        Notification n = Notification.critical("remote down");
        assertThat(a.raise("remote", n, t0)).containsExactly(n);
        for (int minute = 1; minute < 60; minute++) {
            assertThat(a.raise("remote", n, t0.plusSeconds(60L * minute))).isEmpty();
        }
        assertThat(a.raise("remote", n, t0.plus(Duration.ofHours(1)))).singleElement()
                .satisfies(r -> assertThat(r.text()).startsWith("remote down (still so, since 2026-12-02T10:00:00Z"));
        assertThat(a.raise("remote", n, t0.plus(Duration.ofMinutes(90)))).isEmpty();
        assertThat(a.clear("remote", "remote back")).singleElement()
                .satisfies(r -> assertThat(r.level()).isEqualTo(Level.INFO));
        assertThat(a.clear("remote", "remote back")).isEmpty();
        assertThat(a.raise("remote", n, t0.plus(Duration.ofHours(2)))).containsExactly(n);
    }

    @Test
    void zeroMeansNoReminders() {
        StandingAlerts a = new StandingAlerts(Duration.ZERO);
        Notification n = Notification.warning("held back");
        assertThat(a.raise("k", n, t0)).hasSize(1);
        assertThat(a.raise("k", n, t0.plus(Duration.ofDays(3)))).isEmpty();
    }
}
