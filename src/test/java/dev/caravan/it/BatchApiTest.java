package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

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
@FlowTest
class BatchApiTest {

    static final Path GEOJSON = Path.of("../shared/fixtures/wepp/simple.geojson");

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

    @Test
    void anUnchangedBatchIsAnsweredWhileACycleHoldsTheEngine() throws Exception {
        assertThat(api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "held")).status()).isEqualTo(201);
        assertThat(api.call("PUT", "/batches/wepp-demo/held/resource", Files.readAllBytes(GEOJSON)).status()).isEqualTo(200);
        // the engine's lock held as a cycle holds it while it commits 10,000 jobs: the kept view is answered meanwhile
        // (a cycle may still change the batch between the first GET and the lock: then the next attempt)
        boolean answered = false;
        for (int attempt = 0; attempt < 5 && !answered; attempt++) {
            String before = api.call("GET", "/batches/wepp-demo/held", null).body();
            answered = api.daemon.engine().inspect(t -> {
                java.util.concurrent.CompletableFuture<BatchDaemon.Answer> get = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> api.call("GET", "/batches/wepp-demo/held", null));
                try {
                    BatchDaemon.Answer during = get.get(2, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(during.status()).isEqualTo(200);
                    assertThat(during.body()).isEqualTo(before);
                    return true;
                } catch (java.util.concurrent.TimeoutException e) {
                    return false;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        assertThat(answered).as("a GET of an unchanged batch waited for the engine's lock").isTrue();
    }

    @Test
    void tasksWriteFilesARetrySkipsWhatIsDoneForceRebuildRunsAllAndTheEndGoesToSlack() throws Exception {
        Path flag = dir.resolve("wepp-ok");
        List<Map<String, Object>> tasks = List.of(
                Map.of("name", "fetch_dem", "command", "echo dem of $CARAVAN_JOB_ID > dem.txt"),
                Map.of("name", "build_channels", "command", "cp dem.txt channels.txt && echo channels >> channels.txt"),
                Map.of("name", "run_wepp", "command", "test -f " + flag + " && wc -l < channels.txt > wepp.out"));
        assertThat(api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "runs", "tasks", tasks)).status())
                .isEqualTo(201);
        assertThat(api.call("PUT", "/batches/wepp-demo/runs/resource", Files.readAllBytes(GEOJSON)).json())
                .containsEntry("items", 3);

        long t0 = System.nanoTime();
        BatchDaemon.Answer start = api.call("POST", "/batches/wepp-demo/runs/start", Map.of());
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        Poll.until("the first item runs", Duration.ofSeconds(5), () -> statuses("runs").stream().anyMatch(s -> !s.equals("not run")));
        long firstRunningMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(firstRunningMs).as("Start to the first item running, ms").isLessThan(2000);

        untilEnded("runs");
        assertThat(statuses("runs")).containsOnly("failed");
        Path work = dir.resolve("batches/wepp-demo/runs/item-00001");
        assertThat(work.resolve("dem.txt")).hasContent("dem of item-00001");
        assertThat(work.resolve("channels.txt")).exists();
        assertThat(work.resolve("wepp.out")).doesNotExist();
        long demWritten = Files.getLastModifiedTime(work.resolve("dem.txt")).toMillis();
        Map<String, Object> failed = api.call("GET", "/batches/wepp-demo/runs/items/item-00001", null).json();
        assertThat(failed).containsEntry("status", "failed").containsEntry("colour", "red");
        assertThat(m(m(m(failed.get("run_metadata")).get("tasks")).get("run_wepp"))).containsEntry("status", "failed");

        tick();
        Poll.until("the summary of the failed run", Duration.ofSeconds(10),
                () -> slack.anyContains("batch wepp-demo/runs ended: 3 total, 0 completed, 3 failed, 0 aborted"));

        Files.writeString(flag, "");
        assertThat(l(api.call("POST", "/batches/wepp-demo/runs/retry", null).json().get("retried"))).hasSize(3);
        untilEnded("runs");
        assertThat(statuses("runs")).containsOnly("succeeded");
        assertThat(work.resolve("wepp.out")).hasContent("2");
        assertThat(Files.getLastModifiedTime(work.resolve("dem.txt")).toMillis()).as("fetch_dem skipped").isEqualTo(demWritten);
        assertThat(api.call("GET", "/batches/wepp-demo/runs/items/item-00001/log?stream=stderr&tail=50", null).body()
                + api.call("GET", "/batches/wepp-demo/runs/items/item-00001/log?stream=stdout&tail=50", null).body())
                .contains("task fetch_dem: skipped (completed earlier)");
        assertThat(api.call("GET", "/batches/wepp-demo/runs", null).json().get("items").toString()).contains("green");

        BatchDaemon.Answer force = api.call("POST", "/batches/wepp-demo/runs/start", Map.of("force_rebuild", true));
        assertThat(force.json()).containsEntry("items", 3);
        untilEnded("runs");
        assertThat(statuses("runs")).containsOnly("succeeded");
        Map<String, Object> meta = m(api.call("GET", "/batches/wepp-demo/runs/items/item-00001", null).json().get("run_metadata"));
        assertThat(meta).containsEntry("force_rebuild", true).containsEntry("status", "completed");
        assertThat(Files.getLastModifiedTime(work.resolve("dem.txt")).toMillis()).as("fetch_dem ran again").isGreaterThan(demWritten);
        tick();
        Poll.until("the summary of the forced run", Duration.ofSeconds(10),
                () -> slack.anyContains("batch wepp-demo/runs ended: 3 total, 3 completed, 0 failed, 0 aborted"));
    }

    @Test
    void abortingARunningItemLeavesNoProcessAndDeletingItRemovesItsFiles() throws Exception {
        String sleep = "sleep 3217";
        List<Map<String, Object>> tasks = List.of(Map.of("name", "long_task", "command", sleep + " ; echo never > late.txt"));
        assertThat(api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "aborts", "tasks", tasks,
                "parallel", 1)).status()).isEqualTo(201);
        api.call("PUT", "/batches/wepp-demo/aborts/resource", Files.readAllBytes(GEOJSON));
        api.call("POST", "/batches/wepp-demo/aborts/start", Map.of("from_item", "item-00002"));
        Poll.until("item-00002 runs", Duration.ofSeconds(10), () -> statuses("aborts").equals(List.of("not run", "running", "not run")));
        Poll.until("its sleep runs", Duration.ofSeconds(10), () -> processes(sleep) > 0);

        BatchDaemon.Answer abort = api.call("POST", "/batches/wepp-demo/aborts/items/item-00002/abort", null);
        assertThat(abort.status()).as(abort.body()).isEqualTo(200);
        assertThat(processes(sleep)).as("processes left after abort").isZero();
        Poll.until("the next item starts", Duration.ofSeconds(10), () -> {
            api.daemon.cycle();
            return statuses("aborts").equals(List.of("not run", "aborted", "running"));
        });
        Map<String, Object> item = api.call("GET", "/batches/wepp-demo/aborts/items/item-00002", null).json();
        assertThat(item).containsEntry("status", "aborted").containsEntry("colour", "orange");

        BatchDaemon.Answer whileRunning = api.call("DELETE", "/batches/wepp-demo/aborts/items/item-00003", null);
        assertThat(whileRunning.status()).as(whileRunning.body()).isEqualTo(409);
        assertThat(api.call("DELETE", "/batches/wepp-demo/aborts", null).status()).isEqualTo(409);

        BatchDaemon.Answer stop = api.call("POST", "/batches/wepp-demo/aborts/abort", null);
        assertThat(l(stop.json().get("aborted"))).containsExactly("item-00003");
        assertThat(processes(sleep)).isZero();
        api.daemon.cycle();
        assertThat(statuses("aborts")).as("nothing starts after the batch is aborted").containsExactly("not run", "aborted", "aborted");

        Path work = dir.resolve("batches/wepp-demo/aborts/item-00002");
        assertThat(work).exists();
        BatchDaemon.Answer del = api.call("DELETE", "/batches/wepp-demo/aborts/items/item-00002", null);
        assertThat(del.status()).as(del.body()).isEqualTo(200);
        assertThat(work).doesNotExist();
        assertThat(dir.resolve("batches/wepp-demo/aborts/.runner/item-00002.sh")).doesNotExist();
        assertThat(FlowFixture.jobsIn(dir.resolve("tracking"), "wepp-demo", "aborts", "aborted")).containsExactly("item-00003");
        assertThat(api.call("GET", "/batches/wepp-demo/aborts/items/item-00002", null).status()).isEqualTo(404);

        assertThat(api.call("DELETE", "/batches/wepp-demo/aborts", null).status()).isEqualTo(200);
        assertThat(dir.resolve("tracking/jobs/wepp-demo/aborts/batch.json")).doesNotExist();
        assertThat(dir.resolve("batches/wepp-demo/aborts")).doesNotExist();
        assertThat(api.call("GET", "/batches/wepp-demo/aborts", null).status()).isEqualTo(404);
    }

    @Test
    void badInputAndMissingOrWrongTokensAreClearErrorsThatChangeNothing() throws Exception {
        assertThat(api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "errors")).status()).isEqualTo(201);
        api.call("PUT", "/batches/wepp-demo/errors/resource", Files.readAllBytes(GEOJSON));
        api.call("POST", "/batches/wepp-demo/errors/template", Map.of("template", "{index:03d}"));
        String before = Files.readString(dir.resolve("tracking/jobs/wepp-demo/errors/batch.json"));

        BatchDaemon.Answer noToken = api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "sneaky"), null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.json()).containsKey("error");
        BatchDaemon.Answer wrong = api.call("DELETE", "/batches/wepp-demo/errors", null, "not-the-token");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain(BatchDaemon.TOKEN);
        assertThat(dir.resolve("tracking/jobs/wepp-demo/sneaky")).doesNotExist();

        assertThat(api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "errors")).status()).isEqualTo(409);
        for (String bad : List.of("../../etc", "_base", "resources", "a/b", "ab", "failed")) {
            BatchDaemon.Answer a = api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", bad));
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.json()).as(bad).containsEntry("field", "batch");
        }
        assertThat(api.call("GET", "/batches/wepp-demo/..%2F..%2Fetc", null).status()).isEqualTo(404);
        assertThat(api.call("GET", "/batches/wepp-demo/errors/items/..%2Fbatch.json", null).status()).isEqualTo(404);

        for (String attack : List.of("{properties.__class__}", "{''.__class__.__mro__}", "{__import__('os').system('touch x')}",
                "{open('/etc/passwd')}", "{eval('1')}", "{nosuchname}", "{properties['HucName']")) {
            BatchDaemon.Answer a = api.call("POST", "/batches/wepp-demo/errors/template", Map.of("template", attack));
            boolean refused = a.status() == 400 || a.status() == 200 && Boolean.FALSE.equals(m(a.json().get("summary")).get("is_valid"));
            assertThat(refused).as(attack + " → " + a.body()).isTrue();
        }
        BatchDaemon.Answer fn = api.call("POST", "/batches/wepp-demo/errors/template", Map.of("template", "{eval('1')}"));
        assertThat(fn.body()).contains("Function 'eval' is not permitted in templates");
        BatchDaemon.Answer unknown = api.call("POST", "/batches/wepp-demo/errors/template", Map.of("template", "{nosuchname}"));
        assertThat(unknown.body()).contains("Unknown name 'nosuchname' in template expression");

        BatchDaemon.Answer notJson = api.call("POST", "/batches/wepp-demo/errors/template", "{\"template\": ");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json()).containsKey("line");
        BatchDaemon.Answer malformed = api.call("PUT", "/batches/wepp-demo/errors/resource", "{\"type\": \"FeatureCollection\",\n \"features\": [,]}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json()).containsEntry("line", 2);
        BatchDaemon.Answer notCollection = api.call("PUT", "/batches/wepp-demo/errors/resource", "{\"type\": \"Feature\"}");
        assertThat(notCollection.status()).isEqualTo(400);
        byte[] big = new byte[10 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        BatchDaemon.Answer tooBig = api.call("PUT", "/batches/wepp-demo/errors/resource", big);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.json().get("error").toString()).contains("caravan.batches.max-upload");

        // the tree's batch folder is as it was: only the validations above wrote batch.json, and the last valid one stands
        api.call("POST", "/batches/wepp-demo/errors/template", Map.of("template", "{index:03d}"));
        assertThat(Files.readString(dir.resolve("tracking/jobs/wepp-demo/errors/batch.json"))).isEqualTo(before);
        assertThat(Files.readString(dir.resolve("tracking/jobs/wepp-demo/errors/resource.geojson")))
                .isEqualTo(Files.readString(GEOJSON));
        assertThat(FlowFixture.jobsIn(dir.resolve("tracking"), "wepp-demo", "errors", "backlog")).containsExactly("000", "001", "002");
    }

    @Test
    void exportedScriptsRunWithBashAndGiveTheDaemonsOutputs() throws Exception {
        assertThat(api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "exports")).status()).isEqualTo(201);
        api.call("PUT", "/batches/wepp-demo/exports/resource", Files.readAllBytes(GEOJSON));
        api.call("POST", "/batches/wepp-demo/exports/start", Map.of());
        untilEnded("exports");
        assertThat(statuses("exports")).containsOnly("succeeded");
        Path work = dir.resolve("batches/wepp-demo/exports/item-00003");
        String wepp = Files.readString(work.resolve("wepp.out"));
        String feature = Files.readString(work.resolve("feature.geojson"));
        assertThat(feature).contains("Juniper Basin");

        Path tgz = dir.resolve("export.tar.gz");
        Files.write(tgz, api.bytes("/batches/wepp-demo/exports/export"));
        Path out = Files.createDirectories(dir.resolve("export"));
        assertThat(new ProcessBuilder("tar", "xzf", tgz.toString(), "-C", out.toString()).inheritIO().start().waitFor()).isZero();
        Path jobs;
        try (var s = Files.list(out)) {
            jobs = s.filter(p -> p.getFileName().toString().startsWith("jobs_")).findFirst().orElseThrow();
        }
        assertThat(jobs.resolve("submit-all.sh")).exists();
        assertThat(Files.readString(jobs.resolve("item-00003.sh"))).contains("#SBATCH --job-name=");

        // run where the daemon ran: a fresh folder gives the same outputs
        org.apache.commons.io.FileUtils.deleteDirectory(work.toFile());
        Process p = new ProcessBuilder("bash", jobs.resolve("item-00003.sh").toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(said).isZero();
        assertThat(work.resolve("wepp.out")).hasContent(wepp.strip());
        assertThat(Files.readString(work.resolve("feature.geojson"))).isEqualTo(feature);
        assertThat(Files.readString(work.resolve("dem.txt"))).isEqualTo("dem of item-00003\n");
    }

    @Test
    void eventsStreamEveryCommittedChangeOfABatchAndItsItems() throws Exception {
        java.util.Queue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.util.concurrent.CompletableFuture<?> stream = client.sendAsync(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + api.port + "/api/events")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(lines::add));
        try {
            Poll.until("the stream is open", Duration.ofSeconds(10), () -> lines.contains(": caravan events"));
            api.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "events"));
            Poll.until("the batch's event", Duration.ofSeconds(10), () -> lines.stream().anyMatch(l -> l.startsWith("data: ")
                    && l.contains("\"type\":\"batch\"") && l.contains("\"batch\":\"events\"") && l.contains("batch.json")));
            api.call("PUT", "/batches/wepp-demo/events/resource", Files.readAllBytes(GEOJSON));
            api.call("POST", "/batches/wepp-demo/events/start", Map.of());
            Poll.until("an item's move to queued", Duration.ofSeconds(10), () -> lines.stream().anyMatch(l ->
                    l.contains("\"type\":\"job\"") && l.contains("\"batch\":\"events\"") && l.contains("\"state\":\"queued\"")));
            assertThat(lines).contains("event: job", "event: batch");
            untilEnded("events");
            Poll.until("an item's move to completed", Duration.ofSeconds(10), () -> lines.stream().anyMatch(l ->
                    l.contains("\"batch\":\"events\"") && l.contains("\"state\":\"completed\"")));
        } finally {
            stream.cancel(true);
        }
    }

    /** Processes whose command line holds this text, from /proc. */
    static long processes(String text) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                byte[] cmd = Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline"));
                return new String(cmd).replace('\0', ' ').contains(text);
            } catch (Exception e) {
                return false;
            }
        }).count();
    }

    static void tick() {
        api.daemon.context().createProducerTemplate().requestBody("direct:batches-tick", (Object) null);
    }

    static List<String> statuses(String batch) {
        return l(api.call("GET", "/batches/wepp-demo/" + batch, null).json().get("items")).stream()
                .map(i -> (String) m(i).get("status")).toList();
    }

    /** Cycles until nothing of the batch waits or runs: with triggers off, the test says when cycles run. */
    static void untilEnded(String batch) {
        Poll.until("batch " + batch + " ended", Duration.ofSeconds(60), () -> {
            api.daemon.cycle();
            return statuses(batch).stream().noneMatch(s -> s.equals("not run") || s.equals("running") || s.equals("moving"));
        });
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
