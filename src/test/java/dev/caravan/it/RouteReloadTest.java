package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.Poll;

import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operators reconfigure by editing YAML route files while the daemon runs, on the shipped configuration as it is
 * (only paths, ports and the Slack endpoint moved): any edit of a shipped route file is taken and the cycles go on;
 * an edit that does not parse or does not start keeps the old routes and sends a WARNING naming file and line.
 */
@FlowTest
class RouteReloadTest {

    @TempDir
    Path dir;

    SlackEmulator slack;
    Path routes;
    Map<String, String> settings;

    @BeforeEach
    void shippedConfig() throws Exception {
        slack = new SlackEmulator();
        routes = ShippedConfig.copyRoutes(dir);
        settings = ShippedConfig.in(dir);
        settings.put("caravan.slack.webhook-url", slack.url());
    }

    @AfterEach
    void closeSlack() {
        slack.close();
    }

    @Test
    void editsOfShippedRouteFilesAreTakenAndCyclesGoOn() throws Exception {
        try (DaemonHarness daemon = DaemonHarness.start(dir, settings)) {
            var ctx = daemon.context();
            Poll.until("the first cycle", Duration.ofSeconds(30), () -> daemon.engine().lastCycleEnd().isPresent());

            edit("cycle.camel.yaml", "Starts a cycle on caravan.cycle.cron;", "Starts a cycle (edited) on caravan.cycle.cron;");
            Poll.until("cycle-trigger reloaded", Duration.ofSeconds(30),
                    () -> ctx.getRoute("cycle-trigger") != null
                            && String.valueOf(ctx.getRoute("cycle-trigger").getDescription()).contains("(edited)"));
            edit("report.camel.yaml", "    id: report-http\n", "    id: report-http\n    description: the report, edited\n");
            Poll.until("report-http reloaded", Duration.ofSeconds(30),
                    () -> ctx.getRoute("report-http") != null
                            && "the report, edited".equals(ctx.getRoute("report-http").getDescription()));
            edit("notify.camel.yaml", "- route:\n    id: notify-all\n", "- route:\n    id: notify-all\n    description: edited\n");
            Poll.until("notify-all reloaded", Duration.ofSeconds(30),
                    () -> ctx.getRoute("notify-all") != null && "edited".equals(ctx.getRoute("notify-all").getDescription()));

            Poll.until("every shipped route started again", Duration.ofSeconds(30), () -> java.util.stream.Stream.of(
                    "cycle-trigger", "cycle", "cycle-environment", "commit", "push", "notify-all", "notify", "report-http")
                    .allMatch(id -> ctx.getRouteController().getRouteStatus(id) == ServiceStatus.Started));
            // the Java routes (one per environment's submissions) survive a reload of the YAML ones
            assertThat(ctx.getRoutes().stream().anyMatch(r -> r.getEndpoint().getEndpointUri().contains("submit-demo"))).isTrue();

            Instant edited = Instant.now();
            Poll.until("a cron cycle after the edits", Duration.ofSeconds(40),
                    () -> daemon.engine().lastCycleEnd().map(t -> t.isAfter(edited)).orElse(false));
            assertThat(get("/report")).contains("DEMO-01 backlog");
            assertThat(slack.texts()).noneMatch(t -> t.contains("route file"));
        }
    }

    @Test
    void aBadEditKeepsTheOldRoutesAndWarnsNamingFileAndLine() throws Exception {
        try (DaemonHarness daemon = DaemonHarness.start(dir, settings)) {
            var ctx = daemon.context();
            String description = ctx.getRoute("cycle-trigger").getDescription();

            // does not parse: a step with a key no YAML DSL processor has
            edit("cycle.camel.yaml", "        - to: direct:cycle\n", "        - to: direct:cycle\n        - nosuchstep: 1\n");
            Poll.until("a warning about cycle.camel.yaml", Duration.ofSeconds(30),
                    () -> slack.anyContains("cycle.camel.yaml"));
            assertThat(warning("cycle.camel.yaml")).contains("WARNING").containsPattern("line \\d+")
                    .contains("does not parse");
            assertThat(ctx.getRoute("cycle-trigger").getDescription()).isEqualTo(description);

            // parses but does not start: an endpoint of no component
            edit("report.camel.yaml", "uri: \"platform-http:/report\"", "uri: \"nosuchcomponent:/report\"");
            Poll.until("a warning about report.camel.yaml", Duration.ofSeconds(30),
                    () -> slack.anyContains("report.camel.yaml"));
            assertThat(warning("report.camel.yaml")).contains("WARNING").contains("line 4 (route report-http)")
                    .contains("do not start").contains("nosuchcomponent");

            for (String id : new String[] {"cycle-trigger", "cycle", "cycle-environment", "report-http", "notify-all"}) {
                assertThat(ctx.getRouteController().getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Started);
            }
            assertThat(get("/report")).contains("DEMO-01 backlog");
            Instant warned = Instant.now();
            Poll.until("a cron cycle after the bad edits", Duration.ofSeconds(40),
                    () -> daemon.engine().lastCycleEnd().map(t -> t.isAfter(warned)).orElse(false));

            // a route id another file already has: refused, the other file's route untouched
            Files.writeString(routes.resolve("extra.camel.yaml"), """
                    - route:
                        id: notify-all
                        from:
                          uri: direct:elsewhere
                          steps:
                            - log: hello
                    """);
            Poll.until("a warning about extra.camel.yaml", Duration.ofSeconds(30),
                    () -> slack.anyContains("extra.camel.yaml"));
            assertThat(warning("extra.camel.yaml")).contains("line 1 (route notify-all)").contains("notify.camel.yaml");
            assertThat(ctx.getRoute("notify-all").getEndpoint().getEndpointUri()).isEqualTo("direct://notify-all");
            // one WARNING per bad edit, though each save gives the watcher more than one event
            for (String file : new String[] {"cycle.camel.yaml", "report.camel.yaml"}) {
                assertThat(slack.texts().stream().filter(t -> t.contains(file))).as(file).hasSize(1);
            }
        }
    }

    @Test
    void aRouteFileAddedWhileRunningIsLoaded() throws Exception {
        try (DaemonHarness daemon = DaemonHarness.start(dir, settings)) {
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
                assertThat(pt.requestBody("direct:hourly-report", null, String.class)).startsWith("DEMO-01 backlog");
            }
        }
    }

    private void edit(String file, String from, String to) throws Exception {
        Path p = routes.resolve(file);
        String text = Files.readString(p);
        assertThat(text).as(file).contains(from);
        Files.writeString(p, text.replace(from, to));
    }

    private String warning(String file) {
        return slack.texts().stream().filter(t -> t.contains(file)).findFirst().orElseThrow();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + settings.get("camel.server.port") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }
}
