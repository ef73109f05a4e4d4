package dev.caravan.backend.wes;

import dev.caravan.backend.BackendFactory;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.settings.ConfigException;
import dev.caravan.backend.local.LocalBackendFactory;
import dev.caravan.model.Environment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code wes} kind's settings: defaults, and a message naming the full key for every mistake. */
class WesFactoryTest {

    private static final String P = "caravan.env.rdpc-prod.";
    private final WesBackendFactory factory = new WesBackendFactory();

    private static Map<String, String> minimal() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("url", "https://wes.rdpc.cancercollaboratory.org/api/v1");
        m.put("workflow-url", "https://github.com/icgc-argo/icgc-25k-azure-transfer.git");
        return m;
    }

    private static Environment env(Map<String, String> settings) {
        return new Environment("rdpc-prod", "wes", 16, 100, settings);
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = minimal();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove(kv[i]);
            } else {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    private void rejected(Map<String, String> settings, String key, String... fragments) {
        assertThatThrownBy(() -> factory.validate(env(settings)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(P + key))
                .hasMessageStartingWith("setting " + P + key + ": ")
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    @Test
    void isTheWesKindFoundByTheServiceLoader() {
        assertThat(factory.kind()).isEqualTo("wes");
        assertThat(factory.settingKeys()).containsExactlyInAnyOrder("url", "wes-dialect", "token-url", "client-id",
                "client-secret", "api-token", "graphql-url", "workflow-url", "workflow-version", "workflow-type",
                "workflow-type-version", "offline", "nfs-root-paths", "timeout", "retries");
        assertThat(ServiceLoader.load(BackendFactory.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(f -> assertThat(f).isInstanceOf(WesBackendFactory.class))
                .anySatisfy(f -> assertThat(f).isInstanceOf(LocalBackendFactory.class));
    }

    @Test
    void defaultsAreGa4ghNextflow60sThreeRetries() {
        WesSettings s = WesSettings.of(env(minimal()));
        assertThat(s.dialect()).isEqualTo(Dialect.GA4GH);
        assertThat(s.workflowType()).isEqualTo("NFL");
        assertThat(s.workflowTypeVersion()).isEqualTo("21.04");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.retries()).isEqualTo(3);
        assertThat(s.offline()).isEmpty();
        assertThat(s.tokenUrl()).isEmpty();
        assertThat(s.nfsRootPaths()).isEmpty();
        assertThat(s.wes("runs").toString()).isEqualTo("https://wes.rdpc.cancercollaboratory.org/api/v1/runs");
    }

    @Test
    void theIcgcSettingsAreAccepted() {
        WesSettings s = WesSettings.of(env(with(
                "url", "https://wes.rdpc.cancercollaboratory.org/api/v1/",
                "wes-dialect", "ARGO",
                "graphql-url", "https://api.rdpc.cancercollaboratory.org/graphql",
                "token-url", "https://ego.icgc-argo.org/api/oauth/token",
                "client-id", "PROD_CLIENT_ID", "client-secret", "prod-client-secret", "api-token", "prod-api-token",
                "workflow-version", "azure-transfer-wf.v0.12.0", "offline", "true",
                "nfs-root-paths", " /nfs-1-c1, /nfs-1-c2/ ,,/nfs-1-c1", "timeout", "90s", "retries", "0")));
        assertThat(s.dialect()).isEqualTo(Dialect.ARGO);
        assertThat(s.url().toString()).isEqualTo("https://wes.rdpc.cancercollaboratory.org/api/v1");
        assertThat(s.nfsRootPaths()).containsExactly("/nfs-1-c1", "/nfs-1-c2");
        assertThat(s.offline()).contains(true);
        assertThat(s.workflowVersion()).contains("azure-transfer-wf.v0.12.0");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.retries()).isZero();
        assertThat(s.toString()).doesNotContain("prod-client-secret").doesNotContain("prod-api-token")
                .contains("clientSecret=****");
    }

    @Test
    void everyMistakeNamesItsFullKey() {
        rejected(with("url", null), "url", "is required");
        rejected(with("url", "wes.example.org/ga4gh/wes/v1"), "url", "not an http or https URL");
        rejected(with("url", "ftp://wes.example.org/v1"), "url", "not an http or https URL");
        rejected(with("url", "https://"), "url");
        rejected(with("url", "https://wes example.org/v1"), "url", "is not a URL");
        rejected(with("url", "https://wes.example.org/v1?x=1"), "url", "query");
        rejected(with("url", "https://user:pw@wes.example.org/v1"), "url", "credentials");
        rejected(with("url", "https://wes.rdpc.cancercollaboratory.org/api/v1/runs"), "url",
                "use 'https://wes.rdpc.cancercollaboratory.org/api/v1'");
        rejected(with("wes-dialect", "cromwell"), "wes-dialect", "'cromwell' is not a WES dialect (ga4gh or argo)");
        rejected(with("workflow-url", null), "workflow-url", "is required");
        rejected(with("workflow-url", "https://github.com/x y.git"), "workflow-url", "white space");
        rejected(with("workflow-url", "https:///nohost"), "workflow-url", "has no host");
        rejected(with("token-url", "https://ego.example.org/oauth/token"), "client-id", "required when " + P + "token-url");
        rejected(with("token-url", "https://ego.example.org/oauth/token", "client-id", "id"), "client-secret",
                "required when " + P + "token-url");
        rejected(with("token-url", "not a url", "client-id", "id", "client-secret", "s3cr3t-value"), "token-url");
        rejected(with("client-id", "id"), "client-id", "is set but " + P + "token-url is not");
        rejected(with("client-secret", "s3cr3t-value"), "client-secret", "is set but " + P + "token-url is not");
        rejected(with("wes-dialect", "argo"), "graphql-url", "is required with " + P + "wes-dialect=argo");
        rejected(with("wes-dialect", "argo", "graphql-url", "graphql"), "graphql-url", "not an http or https URL");
        rejected(with("graphql-url", "https://api.example.org/graphql"), "graphql-url", "only used with");
        rejected(with("offline", "yes"), "offline", "'yes' is not true or false");
        rejected(with("nfs-root-paths", "/nfs-1,nfs-2"), "nfs-root-paths", "'nfs-2' is not an absolute path");
        rejected(with("nfs-root-paths", "/nfs-1/../etc"), "nfs-root-paths");
        rejected(with("timeout", "soon"), "timeout", "not a duration");
        rejected(with("timeout", "0s"), "timeout", "more than zero");
        rejected(with("retries", "-1"), "retries", "between 0 and 10");
        rejected(with("retries", "many"), "retries", "not a whole number");
        rejected(with("api-token", "{{env:PROD_API_TOKEN}}"), "api-token", "placeholder was not resolved");
    }

    @Test
    void aSecretNeverAppearsInAValidationMessage() {
        String secret = "very-secret-" + WesFixture.random();
        assertThatThrownBy(() -> factory.validate(env(with("client-secret", secret))))
                .hasMessageNotContaining(secret);
        assertThatThrownBy(() -> factory.validate(env(with("client-secret", secret, "client-id", "x",
                "token-url", "https://ego.example.org/oauth/token", "offline", "maybe"))))
                .hasMessageNotContaining(secret);
    }

    @Test
    void caravanSettingsTurnTheProblemIntoAConfigErrorNamingTheKey() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(P + "backend", "wes");
        minimal().forEach((k, v) -> props.put(P + k, v));
        props.put(P + "wes-dialect", "argo");
        Map<String, BackendFactory> kinds = Map.of("wes", factory, "local", new LocalBackendFactory());
        Set<String> keys = new TreeSet<>(props.keySet());
        assertThatThrownBy(() -> CaravanSettings.read(keys, k -> Optional.ofNullable(props.get(k)), kinds))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(P + "graphql-url"));

        props.put(P + "graphql-url", "https://api.rdpc.cancercollaboratory.org/graphql");
        props.put(P + "nfs-roots", "/nfs-1");
        Set<String> more = new TreeSet<>(props.keySet());
        assertThatThrownBy(() -> CaravanSettings.read(more, k -> Optional.ofNullable(props.get(k)), kinds))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(P + "nfs-roots").hasMessageContaining("nfs-root-paths");

        props.remove(P + "nfs-roots");
        Set<String> good = new TreeSet<>(props.keySet());
        CaravanSettings s = CaravanSettings.read(good, k -> Optional.ofNullable(props.get(k)), kinds);
        assertThat(s.environments().get("rdpc-prod").backend()).isEqualTo("wes");
    }
}
