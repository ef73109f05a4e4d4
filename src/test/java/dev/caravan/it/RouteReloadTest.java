package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Operators reconfigure by editing YAML route files: a changed or added file is picked up while running. */
@FlowTest
class RouteReloadTest {

    @TempDir
    Path dir;

    @Test
    void aRouteFileAddedWhileRunningIsLoaded() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        GitFixtures.copy(Path.of("routes"), routes);
        FlowFixture fx = new FlowFixture(dir, 1);
        Map<String, String> s = fx.settings("local1", 1);
        s.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        s.put("camel.main.routes-reload-enabled", "true");
        s.put("camel.main.routes-reload-directory", routes.toString());
        s.put("camel.main.routes-reload-pattern", "*.camel.yaml");
        s.put("camel.main.routes-reload-remove-all-routes", "false");
        try (DaemonHarness daemon = DaemonHarness.start(dir, s)) {
            assertThat(daemon.context().getRoute("hourly-report")).isNull();
            Files.writeString(routes.resolve("extra.camel.yaml"), """
                    - route:
                        id: hourly-report
                        from:
                          uri: direct:hourly-report
                          steps:
                            - setBody:
                                method:
                                  ref: engine
                                  method: report
                    """);
            Poll.until("the new route is loaded", Duration.ofSeconds(30), () -> daemon.context().getRoute("hourly-report") != null);
            try (var pt = daemon.context().createProducerTemplate()) {
                assertThat(pt.requestBody("direct:hourly-report", null, String.class)).startsWith("PACA-CA backlog 1");
            }
        } finally {
            fx.slack.close();
        }
    }
}
