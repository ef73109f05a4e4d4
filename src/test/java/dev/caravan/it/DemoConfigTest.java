package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.Poll;

import dev.caravan.camel.CaravanConfiguration;
import dev.caravan.engine.Engine;
import dev.caravan.model.State;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped configuration, black-box: the embedded demo seeds its own remote from examples/demo,
 * its jobs run with the real command and end as the README says (3 of 20 fail), and the report,
 * health and metrics answer on loopback.
 */
@CamelMainTest(properties = {
        "caravan.tracking.dir=target/it-demo/tracking",
        "caravan.tracking.remote=target/it-demo/remote.git",
        "caravan.work.dir=target/it-demo/work",
        "caravan.triggers.enabled=false",
        "caravan.env.demo.max-parallel-runs=20",
        "camel.main.routes-reload-enabled=false"})
@FlowTest
class DemoConfigTest {

    static final int PORT = freePort();

    static {
        deleteTree(Path.of("target/it-demo"));
        System.setProperty("camel.server.port", Integer.toString(PORT));
        System.setProperty("camel.management.port", Integer.toString(PORT));
    }

    @BeanInject
    Engine engine;

    @BeanInject
    CamelContext context;

    @Configure
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(CaravanConfiguration.class);
    }

    @AfterAll
    static void clear() {
        System.clearProperty("camel.server.port");
        System.clearProperty("camel.management.port");
    }

    @Test
    void theDemoRunsItsTwentyJobsAndReportsOverHttp() throws Exception {
        assertThat(engine.inspect(t -> t.index()).size()).isEqualTo(20);
        try (ProducerTemplate pt = context.createProducerTemplate()) {
            Poll.until("all demo jobs ended", Duration.ofSeconds(60), () -> {
                pt.requestBody("direct:cycle", (Object) null);
                return engine.inspect(t -> t.index()).inState(State.BACKLOG).isEmpty() && engine.inspect(t -> t.index()).inFlight("demo").isEmpty();
            });
        }
        assertThat(engine.report()).isEqualTo("""
                DEMO-01 backlog 0
                DEMO-01 queued 0
                DEMO-01 failed 3
                DEMO-01 completed 17
                """);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> report = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/report")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).isEqualTo(engine.report());

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"status\":\"UP\"");
        HttpResponse<String> fullHealth = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + PORT + "/observe/health?exposureLevel=full")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fullHealth.body()).contains("tracking-repo").contains("environment-demo");

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("camel_exchanges");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
