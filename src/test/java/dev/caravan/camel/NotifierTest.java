package dev.caravan.camel;

import dev.caravan.backend.BackendFactory;
import dev.caravan.backend.local.LocalBackendFactory;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.settings.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Slack pacing: the pause is owed by the next post, never by the last one. */
class NotifierTest {

    private static final Map<String, BackendFactory> KINDS = Map.of("local", new LocalBackendFactory());

    private static CaravanSettings settings(String minInterval) {
        Map<String, String> p = Map.of(
                "caravan.slack.webhook-url", "http://127.0.0.1:1/hook",
                "caravan.slack.min-interval-ms", minInterval,
                "caravan.env.local1.backend", "local",
                "caravan.env.local1.command", "true");
        return CaravanSettings.read(new TreeSet<>(p.keySet()), k -> Optional.ofNullable(p.get(k)), KINDS);
    }

    @Test
    void theFirstPostGoesOutAtOnceAndTheNextWaitsForTheInterval() {
        Notifier n = new Notifier(settings("60000"));
        assertThat(n.slackEnabled()).isTrue();
        assertThat(n.millisUntilNextPost()).isZero();
        n.posted();
        assertThat(n.millisUntilNextPost()).isBetween(50_000L, 60_001L);
    }

    @Test
    void aZeroIntervalNeverPauses() {
        Notifier n = new Notifier(settings("0"));
        n.posted();
        assertThat(n.millisUntilNextPost()).isZero();
    }

    @Test
    void aBadIntervalIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> settings("soon"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("caravan.slack.min-interval-ms"));
        assertThatThrownBy(() -> settings("-5"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("caravan.slack.min-interval-ms"));
    }
}
