package dev.caravan.secrets;

import dev.caravan.settings.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A missing SSM parameter is reported with the setting that names it, wherever that setting was given. */
class SsmKeyNamesTest {

    @Test
    void aMissingParameterGivenWithMinusDNamesItsKeyNotTheJvmCommandLine() throws Exception {
        // `caravan cycle --once -Dkey={{ssm:...}}`: the key is a system property, and sun.java.command holds it too
        String command = System.getProperty("sun.java.command");
        StringBuilder line = new StringBuilder("dev.caravan.cli.Caravan cycle --once");
        for (int i = 0; i < 8; i++) {
            System.setProperty("caravan.env.e" + i + ".api-key", "{{ssm:/caravan/missing-" + i + "}}");
            line.append(" -Dcaravan.env.e").append(i).append(".api-key={{ssm:/caravan/missing-").append(i).append("}}");
        }
        System.setProperty("sun.java.command", line.toString());
        try (org.apache.camel.impl.DefaultCamelContext ctx = new org.apache.camel.impl.DefaultCamelContext()) {
            SsmPropertiesFunction f = new SsmPropertiesFunction(names -> Map.of(), Clock.systemUTC());
            f.setCamelContext(ctx);
            for (int i = 0; i < 8; i++) {
                int n = i;
                assertThatThrownBy(() -> f.apply("/caravan/missing-" + n)).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("caravan.env.e" + n + ".api-key").hasMessageNotContaining("sun.java.command");
            }
        } finally {
            for (int i = 0; i < 8; i++) {
                System.clearProperty("caravan.env.e" + i + ".api-key");
            }
            if (command == null) {
                System.clearProperty("sun.java.command");
            } else {
                System.setProperty("sun.java.command", command);
            }
        }
    }
}
