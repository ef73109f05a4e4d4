package dev.caravan.it;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.FlowTest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static dev.caravan.it.BatchApiTest.l;
import static dev.caravan.it.BatchApiTest.m;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches made from CSV, JSON-array and JSON-lines rows over real HTTP on 127.0.0.1 (import's reader, one item per
 * row): the analysis, run-id templates over rows, runs end to end on the local backend, and bad rows refused with
 * their line and nothing changed.
 */
@FlowTest
class BatchRowsApiTest {

    static final String CSV = "name,region,note\r\nBlue Creek,NW,\"wet, cold\"\r\nCedar Grove,NW,dry\r\nJuniper Basin,SW,\"say \"\"hi\"\"\"\r\n";
    static final String JSON = "[{\"name\": \"a1\", \"area\": 3, \"tags\": [\"x\"], \"id\": \"A\"},\n"
            + " {\"name\": \"b2\", \"area\": 9.5, \"tags\": [], \"id\": \"B\"},\n"
            + " {\"name\": \"c3\", \"area\": \"n/a\", \"id\": \"C\"}]";
    static final String JSONL = "{\"sample\": \"s-1\", \"reads\": 10}\n\n{\"sample\": \"s-2\", \"reads\": 20}\n";
    static final List<Map<String, Object>> TASKS = List.of(
            Map.of("name", "copy_row", "command", "cp row.json seen.json"),
            Map.of("name", "count", "command", "wc -c < row.json > size.txt"));

    @TempDir
    static Path dir;
    static SlackEmulator slack;
    static BatchDaemon api;

    @BeforeAll
    static void start() throws Exception {
        slack = new SlackEmulator();
        api = BatchDaemon.start(dir, BatchDaemon.emptyRemote(dir), slack.url());
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
        slack.close();
    }

    @Test
    void aCsvBatchIsAnalysedNamedByATemplateAndRunsEndToEnd() throws Exception {
        create("csv-run");
        byte[] bytes = CSV.getBytes(StandardCharsets.UTF_8);
        BatchDaemon.Answer up = api.upload("/batches/rows-demo/csv-run/resource", bytes, "text/csv");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        Map<String, Object> analysis = m(up.json().get("analysis"));
        assertThat(analysis).containsEntry("format", "csv").containsEntry("row_count", 3)
                .containsEntry("columns", List.of("name", "region", "note"))
                .containsEntry("attribute_schema", Map.of("name", "string", "region", "string", "note", "string"))
                .containsEntry("checksum", sha256(bytes)).containsEntry("size_bytes", bytes.length)
                .doesNotContainKeys("bbox", "epsg");
        assertThat(l(analysis.get("sample_rows"))).hasSize(3);
        assertThat(m(m(l(analysis.get("sample_rows")).get(2)).get("row"))).containsEntry("note", "say \"hi\"");
        assertThat(m(l(analysis.get("sample_rows")).get(0))).containsEntry("where", "line 2");
        assertThat(dir.resolve("tracking/jobs/rows-demo/csv-run/resource.csv")).hasContent(CSV);

        BatchDaemon.Answer dup = api.call("POST", "/batches/rows-demo/csv-run/template", Map.of("template", "{properties['region']}"));
        assertThat(m(dup.json().get("summary"))).containsEntry("is_valid", false);
        assertThat(l(dup.json().get("duplicates"))).containsExactly(Map.of("run_id", "NW", "count", 2, "indexes", List.of(0, 1)));
        BatchDaemon.Answer ok = api.call("POST", "/batches/rows-demo/csv-run/template",
                Map.of("template", "{lower(slug(feature['name']))}-{one_based_index:02d}"));
        assertThat(m(ok.json().get("summary"))).as(ok.body()).containsEntry("is_valid", true).containsEntry("unique_run_ids", 3);

        assertThat(api.call("POST", "/batches/rows-demo/csv-run/start", Map.of()).status()).isEqualTo(200);
        untilEnded("csv-run");
        assertThat(statuses("csv-run")).containsExactly("succeeded", "succeeded", "succeeded");
        Path work = dir.resolve("batches/rows-demo/csv-run/juniper-basin-03");
        assertThat(BatchDaemon.JSON.readValue(work.resolve("seen.json").toFile(), Map.class))
                .isEqualTo(Map.of("name", "Juniper Basin", "region", "SW", "note", "say \"hi\""));
        Map<String, Object> params = m(api.call("GET", "/batches/rows-demo/csv-run/items/blue-creek-01", null).json().get("params"));
        assertThat(params).containsEntry("index", 0).containsEntry("run_id", "blue-creek-01")
                .containsEntry("properties", Map.of("name", "Blue Creek", "region", "NW", "note", "wet, cold"));
    }

    @Test
    void aJsonArrayKeepsItsTypesAndMakesItemsWithoutATemplate() throws Exception {
        create("json-run");
        BatchDaemon.Answer up = api.upload("/batches/rows-demo/json-run/resource", JSON.getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        Map<String, Object> analysis = m(up.json().get("analysis"));
        assertThat(analysis).containsEntry("format", "json").containsEntry("row_count", 3)
                .containsEntry("attribute_schema", Map.of("name", "string", "area", "mixed", "tags", "array", "id", "string"));
        assertThat(up.json()).containsEntry("items", 3);
        assertThat(FlowFixture.jobsIn(dir.resolve("tracking"), "rows-demo", "json-run", "backlog"))
                .containsExactly("item-00001", "item-00002", "item-00003");

        api.call("POST", "/batches/rows-demo/json-run/start", Map.of());
        untilEnded("json-run");
        assertThat(statuses("json-run")).containsOnly("succeeded");
        assertThat(BatchDaemon.JSON.readValue(dir.resolve("batches/rows-demo/json-run/item-00002/seen.json").toFile(), Map.class))
                .isEqualTo(Map.of("name", "b2", "area", 9.5, "tags", List.of(), "id", "B"));
    }

    @Test
    void jsonLinesByMediaTypeOrQueryRunWithTheirLineNumbers() throws Exception {
        create("jsonl-run");
        BatchDaemon.Answer up = api.upload("/batches/rows-demo/jsonl-run/resource", JSONL.getBytes(StandardCharsets.UTF_8),
                "application/x-ndjson");
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(m(up.json().get("analysis"))).containsEntry("format", "jsonl").containsEntry("row_count", 2);
        assertThat(m(l(m(up.json().get("analysis")).get("sample_rows")).get(1))).containsEntry("where", "line 3");
        BatchDaemon.Answer t = api.call("POST", "/batches/rows-demo/jsonl-run/template",
                Map.of("template", "{properties['sample']}_{properties['reads'] * 2}"));
        assertThat(m(t.json().get("summary"))).as(t.body()).containsEntry("is_valid", true);
        api.call("POST", "/batches/rows-demo/jsonl-run/start", Map.of());
        untilEnded("jsonl-run");
        assertThat(statuses("jsonl-run")).containsOnly("succeeded");
        assertThat(dir.resolve("batches/rows-demo/jsonl-run/s-2_40/seen.json")).exists();

        // the same bytes sent as plain JSON with ?format=jsonl: a new resource replaces the old, same items
        BatchDaemon.Answer again = api.call("PUT", "/batches/rows-demo/jsonl-run/resource?format=jsonl", JSONL);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(m(again.json().get("analysis"))).containsEntry("format", "jsonl");
    }

    @Test
    void badRowsAreRefusedWithTheirLineAndChangeNothing() throws Exception {
        create("bad-rows");
        api.upload("/batches/rows-demo/bad-rows/resource", CSV.getBytes(StandardCharsets.UTF_8), "text/csv");
        api.daemon.cycle();
        Path folder = dir.resolve("tracking/jobs/rows-demo/bad-rows");
        String batchJson = Files.readString(folder.resolve("batch.json"));
        String head = head();

        BatchDaemon.Answer quote = api.upload("/batches/rows-demo/bad-rows/resource",
                "a,b\n1,2\n3,\"open\n4,5\n".getBytes(StandardCharsets.UTF_8), "text/csv");
        assertThat(quote.status()).as(quote.body()).isEqualTo(400);
        assertThat(quote.json()).containsEntry("field", "resource").containsEntry("line", 3);
        assertThat(quote.json().get("error").toString()).contains("line 3").contains("quote");

        BatchDaemon.Answer fields = api.upload("/batches/rows-demo/bad-rows/resource",
                "a,b\n1,2\n3\n".getBytes(StandardCharsets.UTF_8), "text/csv");
        assertThat(fields.status()).as(fields.body()).isEqualTo(400);
        assertThat(fields.json()).containsEntry("line", 3);

        BatchDaemon.Answer notObjects = api.call("PUT", "/batches/rows-demo/bad-rows/resource", "[{\"a\": 1},\n 2]");
        assertThat(notObjects.status()).as(notObjects.body()).isEqualTo(400);
        assertThat(notObjects.json()).containsEntry("index", 1).containsEntry("line", 2);
        assertThat(notObjects.json().get("error").toString()).contains("element [1]").contains("expected a JSON object");

        BatchDaemon.Answer badLine = api.upload("/batches/rows-demo/bad-rows/resource",
                "{\"a\": 1}\n{\"a\": 2}\n{\"a\": \n".getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        assertThat(badLine.status()).as(badLine.body()).isEqualTo(400);
        assertThat(badLine.json()).containsEntry("line", 3);
        assertThat(badLine.json().get("error").toString()).contains("line 3").contains("malformed JSON");

        BatchDaemon.Answer format = api.call("PUT", "/batches/rows-demo/bad-rows/resource?format=xlsx", CSV);
        assertThat(format.status()).isEqualTo(400);
        assertThat(format.json()).containsEntry("field", "format");

        byte[] big = ("a\n" + "1\n".repeat(5 * 1024 * 1024 + 1)).getBytes(StandardCharsets.UTF_8);
        assertThat(api.upload("/batches/rows-demo/bad-rows/resource", big, "text/csv").status()).isEqualTo(413);

        api.daemon.cycle();
        assertThat(Files.readString(folder.resolve("batch.json"))).isEqualTo(batchJson);
        assertThat(folder.resolve("resource.csv")).hasContent(CSV);
        assertThat(folder.resolve("resource.json")).doesNotExist();
        assertThat(folder.resolve("resource.jsonl")).doesNotExist();
        assertThat(FlowFixture.jobsIn(dir.resolve("tracking"), "rows-demo", "bad-rows", "backlog"))
                .containsExactly("item-00001", "item-00002", "item-00003");
        assertThat(head()).as("nothing committed").isEqualTo(head);
    }

    private static void create(String batch) {
        BatchDaemon.Answer a = api.call("POST", "/batches", Map.of("group", "rows-demo", "batch", batch, "tasks", TASKS));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
    }

    private static List<String> statuses(String batch) {
        return l(api.call("GET", "/batches/rows-demo/" + batch, null).json().get("items")).stream()
                .map(i -> (String) m(i).get("status")).toList();
    }

    private static void untilEnded(String batch) {
        dev.caravan.testkit.Poll.until("batch " + batch + " ended", java.time.Duration.ofSeconds(60), () -> {
            api.daemon.cycle();
            return statuses(batch).stream().noneMatch(s -> s.equals("not run") || s.equals("running") || s.equals("moving"));
        });
    }

    private static String head() throws Exception {
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(dir.resolve("tracking").toFile())) {
            return git.getRepository().resolve("HEAD").name();
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
