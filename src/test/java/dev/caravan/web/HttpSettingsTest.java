package dev.caravan.web;

import dev.caravan.settings.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpSettingsTest {

    private static HttpSettings read(Map<String, String> m) {
        return HttpSettings.read(k -> Optional.ofNullable(m.get(k)));
    }

    @Test
    void withoutATokenOnlyALoopbackBindStarts() {
        assertThat(read(Map.of("camel.server.enabled", "true", "camel.server.host", "127.0.0.1")).token()).isEmpty();
        assertThat(read(Map.of("camel.server.enabled", "true", "camel.server.host", "::1")).loopback()).isTrue();
        assertThatThrownBy(() -> read(Map.of("camel.server.enabled", "true", "camel.server.host", "0.0.0.0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("caravan.http.token");
        assertThatThrownBy(() -> read(Map.of("camel.server.enabled", "true"))).hasMessageContaining("caravan.http.token");
        assertThat(read(Map.of("camel.server.enabled", "true", "camel.server.host", "0.0.0.0", "caravan.http.token",
                "0123456789abcdef0123")).token()).contains("0123456789abcdef0123");
        assertThat(read(Map.of("camel.server.host", "0.0.0.0")).token()).as("no server, nothing to refuse").isEmpty();
    }

    @Test
    void aShortTokenIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> read(Map.of("camel.server.host", "127.0.0.1", "caravan.http.token", "secret")))
                .hasMessageContaining("caravan.http.token").hasMessageNotContaining("secret");
    }
}
