package dev.caravan.backend.flywheel;

import dev.caravan.backend.BackendFactory;
import dev.caravan.camel.Backends;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.settings.ConfigException;
import dev.caravan.secrets.Redactor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** caravan.env.<name>.* for the flywheel kind: found through the SPI, checked before start, key masked. */
class FlywheelSettingsTest {

    private static CaravanSettings read(Map<String, String> p) {
        Map<String, BackendFactory> f = Backends.factories();
        return CaravanSettings.read(p.keySet(), k -> Optional.ofNullable(p.get(k)), f);
    }

    private static Map<String, String> env(String url, String key) {
        Map<String, String> p = new HashMap<>();
        p.put("caravan.env.fw.backend", "flywheel");
        p.put("caravan.env.fw.url", url);
        if (key != null) {
            p.put("caravan.env.fw.api-key", key);
        }
        return p;
    }

    @Test
    void theKindIsRegistered() {
        assertThat(Backends.factories()).containsKey("flywheel");
        CaravanSettings s = read(env("https://nacc.flywheel.io", "nacc.flywheel.io:sekrit-123456"));
        assertThat(s.environments().get("fw").backend()).isEqualTo("flywheel");
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> read(env("https://nacc.flywheel.io", "other.flywheel.io:sekrit-123456")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("caravan.env.fw.api-key"))
                .hasMessageNotContaining("sekrit");
        assertThatThrownBy(() -> read(env("https://nacc.flywheel.io", null)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("caravan.env.fw.api-key"))
                .hasMessageContaining("{{ssm:/prod/flywheel/gearbot/apikey}}");
        assertThatThrownBy(() -> read(env("ftp://x", "x:y")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("caravan.env.fw.url"));
        assertThatThrownBy(() -> read(env("https://nacc.flywheel.io/api", "nacc.flywheel.io:k")))
                .hasMessageContaining("without /api");
        Map<String, String> p = env("https://nacc.flywheel.io", "nacc.flywheel.io:k");
        p.put("caravan.env.fw.timeout", "soon");
        assertThatThrownBy(() -> read(p)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo("caravan.env.fw.timeout"));
        p.put("caravan.env.fw.timeout", "10s");
        p.put("caravan.env.fw.colour", "blue");
        assertThatThrownBy(() -> read(p)).hasMessageContaining("auto-retry-grace").hasMessageContaining("api-key");
    }

    @Test
    void theKeyIsMaskedOnceAClientIsMade() {
        CaravanSettings s = read(env("https://nacc.flywheel.io", "nacc.flywheel.io:masked-secret-77"));
        FlywheelBackendFactory.client(s.environments().get("fw"));
        assertThat(Redactor.redact("key nacc.flywheel.io:masked-secret-77 and masked-secret-77"))
                .doesNotContain("masked-secret-77");
    }
}
