package dev.caravan.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches people drive over real HTTP on 127.0.0.1, on the shipped configuration and the local backend:
 * create, upload, validate templates, the not-started gate, start, tasks that write files, skip, force rebuild.
 */
class BatchApiTest {

    static final Path GEOJSON = Path.of("../shared/fixtures/wepp/simple.geojson");

    @TempDir
    static Path dir;
    static SlackCapture slack;
    static BatchDaemon api;

    @BeforeAll
    static void start() throws Exception {
        slack = new SlackCapture();
        api = BatchDaemon.start(dir, BatchDaemon.emptyRemote(dir), slack.url());
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        slack.close();
    }

    @Test
    void templatesAreValidatedOverEveryFeatureAndANewBatchReleasesNothing() throws Exception {
        BatchDaemon.Answer created = api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "templates"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json()).containsEntry("started", false).containsEntry("environment", "demo");

        BatchDaemon.Answer up = api.call("PUT", "/batches/wepp-demo/templates/resource", Files.readAllBytes(GEOJSON));
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(m(up.json().get("analysis"))).containsEntry("feature_count", 3).containsEntry("epsg", "EPSG:4326");

        BatchDaemon.Answer dup = api.call("POST", "/batches/wepp-demo/templates/template",
                Map.of("template", "{properties['Region']}"));
        assertThat(dup.status()).as(dup.body()).isEqualTo(200);
        assertThat(m(dup.json().get("summary"))).containsEntry("is_valid", false).containsEntry("duplicate_run_ids", 1);
        assertThat(l(dup.json().get("duplicates"))).containsExactly(Map.of("run_id", "NW", "count", 2, "indexes", List.of(0, 1)));

        BatchDaemon.Answer ok = api.call("POST", "/batches/wepp-demo/templates/template",
                Map.of("template", "{properties['HucName']}-{properties['Region']}"));
        assertThat(m(ok.json().get("summary"))).containsEntry("is_valid", true).containsEntry("unique_run_ids", 3);

        Map<String, Object> batch = api.call("GET", "/batches/wepp-demo/templates", null).json();
        assertThat(l(batch.get("items"))).extracting(i -> m(i).get("job_id"))
                .containsExactly("Blue_Creek-NW", "Cedar_Grove-NW", "Juniper_Basin-SW");
        assertThat(l(batch.get("items"))).extracting(i -> m(i).get("colour")).containsOnly("white");

        api.daemon.cycle();
        assertThat(FlowFixture.jobsIn(dir.resolve("tracking"), "wepp-demo", "templates", "backlog")).hasSize(3);
        assertThat(FlowFixture.jobsIn(dir.resolve("tracking"), "wepp-demo", "templates", "queued")).isEmpty();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> m(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> l(Object o) {
        return (List<Object>) o;
    }
}
