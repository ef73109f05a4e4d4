package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.Poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.caravan.it.CliTest.caravan;
import static org.assertj.core.api.Assertions.assertThat;

/** `caravan batch ...`: the API's actions from the command line, on the same service, committed and cycled. */
@FlowTest
class BatchCliTest {

    @TempDir
    Path dir;

    @Test
    void aBatchIsMadeStartedAndFollowedFromTheCommandLine() throws Exception {
        Path config;
        try (SlackEmulator slack = new SlackEmulator()) {
            config = DaemonHarness.writeConfig(dir.resolve("c.properties"),
                    BatchDaemon.settings(dir, BatchDaemon.emptyRemote(dir), slack.url()));
            String c = config.toString();
            CliTest.Result created = caravan("batch", "create", "wepp-demo/cli-run", "--config", c);
            assertThat(created.code()).as(created.err()).isZero();
            assertThat(created.out()).contains("\"started\" : false");

            CliTest.Result up = caravan("batch", "resource", "wepp-demo/cli-run", "--file",
                    BatchApiTest.GEOJSON.toString(), "--config", c);
            assertThat(up.code()).as(up.err()).isZero();
            assertThat(up.out()).contains("\"feature_count\" : 3");

            CliTest.Result dup = caravan("batch", "template", "wepp-demo/cli-run", "--template", "{properties['Region']}",
                    "--config", c);
            assertThat(dup.out()).contains("\"is_valid\" : false").contains("\"run_id\" : \"NW\"");
            CliTest.Result ok = caravan("batch", "template", "wepp-demo/cli-run", "--template",
                    "{lower(slug(properties['HucName']))}", "--config", c);
            assertThat(ok.out()).contains("\"is_valid\" : true");

            CliTest.Result start = caravan("batch", "start", "wepp-demo/cli-run", "--config", c);
            assertThat(start.code()).as(start.err()).isZero();
            assertThat(start.out()).contains("\"items\" : 3");
            Poll.until("the items ran", Duration.ofSeconds(60), () -> {
                caravan("cycle", "--once", "--config", c);
                return caravan("batch", "show", "wepp-demo/cli-run", "--config", c).out().contains("\"succeeded\" : 3");
            });
            CliTest.Result item = caravan("batch", "item", "wepp-demo/cli-run", "blue-creek", "--config", c);
            assertThat(item.out()).as(item.err()).contains("\"colour\" : \"green\"");
            assertThat(dir.resolve("batches/wepp-demo/cli-run/blue-creek/wepp.out")).hasContent("2");

            // rows: a JSON-lines file, its format by its name; a CSV with an open quote is refused with its line
            Path jsonl = Files.writeString(dir.resolve("samples.jsonl"), "{\"sample\": \"s-1\"}\n{\"sample\": \"s-2\"}\n");
            assertThat(caravan("batch", "create", "rows-demo/cli-rows", "--config", c).code()).isZero();
            CliTest.Result rows = caravan("batch", "resource", "rows-demo/cli-rows", "--file", jsonl.toString(), "--config", c);
            assertThat(rows.code()).as(rows.err()).isZero();
            assertThat(rows.out()).contains("\"format\" : \"jsonl\"").contains("\"row_count\" : 2");
            assertThat(caravan("batch", "template", "rows-demo/cli-rows", "--template", "{properties['sample']}",
                    "--config", c).out()).contains("\"is_valid\" : true");
            assertThat(caravan("batch", "start", "rows-demo/cli-rows", "--config", c).code()).isZero();
            Poll.until("the rows ran", Duration.ofSeconds(60), () -> {
                caravan("cycle", "--once", "--config", c);
                return caravan("batch", "show", "rows-demo/cli-rows", "--config", c).out().contains("\"succeeded\" : 2");
            });
            assertThat(dir.resolve("batches/rows-demo/cli-rows/s-2/row.json")).exists();
            Path badCsv = Files.writeString(dir.resolve("bad.csv"), "a,b\n1,\"2\n");
            CliTest.Result refused = caravan("batch", "resource", "rows-demo/cli-rows", "--file", badCsv.toString(), "--config", c);
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("resource.csv, line 2: unterminated quote");
            assertThat(dir.resolve("tracking/jobs/rows-demo/cli-rows/resource.csv")).doesNotExist();

            CliTest.Result bad = caravan("batch", "create", "wepp-demo/_base", "--config", c);
            assertThat(bad.code()).isEqualTo(1);
            assertThat(bad.err()).contains("batch '_base' is reserved");
            assertThat(caravan("batch", "start", "--config", c).code()).isEqualTo(2);
        }
    }
}
