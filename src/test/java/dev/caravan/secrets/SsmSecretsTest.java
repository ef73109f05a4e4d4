package dev.caravan.secrets;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.awsbatch.MotoServer;
import dev.caravan.settings.ConfigException;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.secrets.Redactor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {{ssm:/path}} in properties and YAML routes, against moto's SSM; the cache and the grouping with a fake. */
@FlowTest
class SsmSecretsTest {

    private static MotoServer moto;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.startOrSkip();
        try (SsmClient ssm = moto.ssm()) {
            ssm.putParameter(b -> b.name("/caravan/slack-webhook").value("https://hooks.example.test/T000/B000/s3cr3tWebhook")
                    .type(ParameterType.SECURE_STRING));
            ssm.putParameter(b -> b.name("/caravan/greeting").value("hello-from-ssm").type(ParameterType.STRING));
            for (int i = 1; i <= 22; i++) {
                int n = i;
                ssm.putParameter(b -> b.name("/caravan/many/p" + n).value("value-" + n).type(ParameterType.SECURE_STRING));
            }
        }
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    private Map<String, String> settings() {
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.aws.region", "us-east-1");
        s.put("caravan.aws.endpoint", moto.endpoint().toString());
        s.put("caravan.slack.webhook-url", "{{ssm:/caravan/slack-webhook}}");
        for (int i = 1; i <= 22; i++) {
            s.put("app.secret" + i, "{{ssm:/caravan/many/p" + i + "}}");
        }
        return s;
    }

    @Test
    void secureStringsAreDecryptedInPropertiesAndRoutesReadInGroupsOfTen() throws Exception {
        try (DaemonHarness d = DaemonHarness.start(dir, settings())) {
            var pc = d.context().getPropertiesComponent();
            assertThat(d.context().getRegistry().lookupByNameAndType("caravanSettings", dev.caravan.settings.CaravanSettings.class)
                    .slackWebhookUrl()).isEqualTo("https://hooks.example.test/T000/B000/s3cr3tWebhook");
            assertThat(pc.resolveProperty("app.secret17")).contains("value-17");
            SsmPropertiesFunction f = (SsmPropertiesFunction) pc.getPropertiesFunction("ssm");
            // 23 parameters named in the properties: read together, 10 a call
            assertThat(f.calls()).isEqualTo(3);
            String yaml = """
                    - route:
                        id: greet
                        from:
                          uri: direct:greet
                          steps:
                            - setBody:
                                constant: "{{ssm:/caravan/greeting}}"
                    """;
            PluginHelper.getRoutesLoader(d.context()).loadRoutes(ResourceHelper.fromString("greet.camel.yaml", yaml));
            try (ProducerTemplate t = d.context().createProducerTemplate()) {
                assertThat(t.requestBody("direct:greet", null, String.class)).isEqualTo("hello-from-ssm");
            }
            assertThat(f.calls()).isEqualTo(4);
            assertThat(Redactor.redact("posting to https://hooks.example.test/T000/B000/s3cr3tWebhook"))
                    .isEqualTo("posting to ****");
        }
    }

    @Test
    void aMissingParameterStopsStartUpNamingItAndTheSettingNeverAValue() throws Exception {
        Map<String, String> s = settings();
        s.put("caravan.slack.webhook-url", "{{ssm:/caravan/no-such-webhook}}");
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = dev.caravan.cli.Caravan.run(new String[]{"cycle", "--once", "--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(e).isEqualTo(2);
        assertThat(e).contains("/caravan/no-such-webhook").contains("caravan.slack.webhook-url").contains("ParameterNotFound")
                .doesNotContain("value-").doesNotContain("s3cr3t");
        assertThat(dir.resolve("tracking")).doesNotExist();
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void valuesAreCachedForTheTtlThenReadAgainTogether() {
        List<List<String>> asked = new ArrayList<>();
        Map<String, String> store = new LinkedHashMap<>(Map.of("/a", "1", "/b", "2"));
        MovingClock clock = new MovingClock();
        SsmPropertiesFunction f = new SsmPropertiesFunction(names -> {
            asked.add(List.copyOf(names));
            Map<String, String> m = new LinkedHashMap<>();
            names.forEach(n -> {
                if (store.containsKey(n)) {
                    m.put(n, store.get(n));
                }
            });
            return m;
        }, clock);
        assertThat(f.apply("/a")).isEqualTo("1");
        assertThat(f.apply("/b")).isEqualTo("2");
        assertThat(f.apply("/a")).isEqualTo("1");
        assertThat(asked).hasSize(2);
        store.put("/a", "1b");
        store.put("/b", "2b");
        clock.now = clock.now.plus(Duration.ofMinutes(6)); // default TTL 5m
        assertThat(f.apply("/a")).isEqualTo("1b");
        assertThat(asked.get(2)).containsExactlyInAnyOrder("/a", "/b"); // expired ones refreshed together
        assertThat(f.apply("/b")).isEqualTo("2b");
        assertThat(asked).hasSize(3);
        assertThat(f.apply("/nope:fallback")).isEqualTo("fallback");
        assertThatThrownBy(() -> f.apply("/nope")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SSM parameter /nope not found");
    }
}
