package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.camel.Backends;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.settings.ConfigException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** caravan.nacc.*: the gear manifest's defaults, checks that name the key, the environment it needs. */
class NaccSettingsTest {

    private static NaccSettings read(Map<String, String> p) {
        return NaccSettings.read(k -> Optional.ofNullable(p.get(k)));
    }

    @Test
    void defaultsAreTheManifestDefaults() throws Exception {
        NaccSettings s = read(Map.of());
        assertThat(s.enabled()).isFalse();
        assertThat(s.adminGroup()).isEqualTo("nacc");
        assertThat(s.timeInterval()).isEqualTo(7);
        assertThat(s.retryJobs()).isTrue();
        assertThat(s.dryRun()).isFalse();
        assertThat(s.apikeyPathPrefix()).isEqualTo("/prod/flywheel/gearbot");
        assertThat(s.statusInterval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.cron()).isEqualTo(NaccSettings.DEFAULT_CRON);
        Path manifest = Path.of("../shared/fixtures/nacc/manifest.json");
        Assumptions.assumeTrue(Files.exists(manifest), "../shared is absent: skipping the manifest comparison");
        JsonNode config = new ObjectMapper().readTree(manifest.toFile()).path("config");
        for (String option : new String[]{"dry_run", "apikey_path_prefix", "admin_group", "time_interval", "retry_jobs"}) {
            String key = NaccSettings.PREFIX + option.replace('_', '-');
            assertThat(NaccSettings.defaults().get(key)).as(key).isEqualTo(config.path(option).path("default").asText());
        }
        for (String option : new String[]{"include_centers", "exclude_centers", "exclude_studies"}) {
            assertThat(NaccSettings.defaults()).containsEntry(NaccSettings.PREFIX + option.replace('_', '-'), "");
        }
    }

    @Test
    void theRouteHasTheSameDefaultCron() throws Exception {
        assertThat(Files.readString(Path.of("routes/nacc.camel.yaml")))
                .contains("\"{{caravan.nacc.cron:" + NaccSettings.DEFAULT_CRON + "}}\"");
    }

    @Test
    void theSectionOwnsItsKeys() {
        Map<String, String> p = new HashMap<>();
        p.put("caravan.nacc.dry-run", "true");
        CaravanSettings.read(p.keySet(), k -> Optional.ofNullable(p.get(k)), Backends.factories());
        p.put("caravan.nacc.dryrun", "true");
        assertThatThrownBy(() -> CaravanSettings.read(p.keySet(), k -> Optional.ofNullable(p.get(k)), Backends.factories()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("caravan.nacc.dryrun"))
                .hasMessageContaining("caravan.nacc.dry-run");
    }

    @Test
    void badValuesNameTheirKey() {
        assertKey(Map.of("caravan.nacc.time-interval", "weekly"), "caravan.nacc.time-interval");
        assertKey(Map.of("caravan.nacc.dry-run", "perhaps"), "caravan.nacc.dry-run");
        assertKey(Map.of("caravan.nacc.retry-jobs", "1"), "caravan.nacc.retry-jobs");
        assertKey(Map.of("caravan.nacc.cron", "every monday"), "caravan.nacc.cron");
        assertKey(Map.of("caravan.nacc.status-interval", "0s"), "caravan.nacc.status-interval");
        assertKey(Map.of("caravan.nacc.admin-group", " "), "caravan.nacc.admin-group");
        assertKey(Map.of("caravan.nacc.env", "fw"), "caravan.nacc.batch-configs-file");
        assertThatThrownBy(() -> read(Map.of("caravan.nacc.include-centers", "a", "caravan.nacc.exclude-studies", "-x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("caravan.nacc.include-centers"))
                .hasMessageContaining("not both");
    }

    @Test
    void listsAreTrimmedAndLowerCased() {
        NaccSettings s = read(Map.of("caravan.nacc.exclude-centers", " ADRC-A,, adrc-b ", "caravan.nacc.exclude-studies", "-DVCID",
                "caravan.nacc.time-interval", "-1", "caravan.nacc.apikey-path-prefix", "/dev/fw/"));
        assertThat(s.excludeCenters()).containsExactly("adrc-a", "adrc-b");
        assertThat(s.excludeStudies()).containsExactly("-dvcid");
        assertThat(s.timeInterval()).isEqualTo(-1);
        assertThat(s.apikeyPathPrefix()).isEqualTo("/dev/fw");
    }

    @Test
    void theEnvironmentMustBeFlywheelWithTheBarrier() {
        Map<String, String> p = new HashMap<>(Map.of("caravan.nacc.env", "fw", "caravan.nacc.batch-configs-file", "x.json"));
        NaccSettings s = read(p);
        assertCheck(s, p, "caravan.nacc.env", "not configured");
        p.put("caravan.env.fw.backend", "local");
        assertCheck(s, p, "caravan.nacc.env", "whose backend is local");
        p.put("caravan.env.fw.backend", "flywheel");
        assertCheck(s, p, "caravan.env.fw.batch-barrier", "must be true");
        p.put("caravan.env.fw.batch-barrier", "true");
        assertCheck(s, p, "caravan.env.fw.api-key", "{{ssm:/prod/flywheel/gearbot/apikey}}");
        p.put("caravan.env.fw.api-key", "{{env:FW_KEY}}");
        s.checkEnvironment(k -> Optional.ofNullable(p.get(k)));
    }

    private static void assertCheck(NaccSettings s, Map<String, String> p, String key, String text) {
        assertThatThrownBy(() -> s.checkEnvironment(k -> Optional.ofNullable(p.get(k))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageContaining(text);
    }

    private static void assertKey(Map<String, String> p, String key) {
        assertThatThrownBy(() -> read(p)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo(key));
    }
}
