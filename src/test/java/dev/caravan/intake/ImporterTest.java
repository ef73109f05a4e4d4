package dev.caravan.intake;

import dev.caravan.engine.FolderIntake;
import dev.caravan.model.BadInputException;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.tracking.TrackingTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Black-box: a real tracking tree in a temporary folder, real input files, the files written checked byte for byte. */
class ImporterTest {

    private static final Clock JULY_9 = Clock.fixed(Instant.parse("2021-07-09T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private Path root;
    private Path jobs;
    private final Importer importer = new Importer(JULY_9);

    @BeforeEach
    void createTree() throws IOException {
        root = tmp.resolve("repo");
        jobs = root.resolve("jobs");
        Files.createDirectories(jobs);
    }

    // --- formats -----------------------------------------------------------------------------------

    @Test
    void csvWithQuotedCommaQuoteAndNewlineBecomesOneBacklogJobPerRow() throws IOException {
        Path in = input("items.csv", "id,name,note\r\n"
                + "S1,\"Smith, J\",\"say \"\"hi\"\"\"\r\n"
                + "S2,\"two\nlines\",\r\n"
                + "007,plain,\"\"\r\n");
        TrackingTree tree = tree();

        ImportResult r = importer.importJobs(request("G1", "b1", in, null), FolderIntake.over(tree));

        assertThat(r.group()).isEqualTo("G1");
        assertThat(r.batch()).isEqualTo("b1");
        assertThat(r.jobs()).containsExactly(new JobRef("G1", "b1", "job.0001"), new JobRef("G1", "b1", "job.0002"),
                new JobRef("G1", "b1", "job.0003"));
        assertThat(read("G1/b1/backlog/job.0001/params.json")).isEqualTo("""
                {
                  "id": "S1",
                  "name": "Smith, J",
                  "note": "say \\"hi\\""
                }
                """);
        assertThat(read("G1/b1/backlog/job.0002/params.json")).isEqualTo("""
                {
                  "id": "S2",
                  "name": "two\\nlines",
                  "note": ""
                }
                """);
        // CSV values stay strings: no number guessing, leading zeros kept
        assertThat(read("G1/b1/backlog/job.0003/params.json")).isEqualTo("""
                {
                  "id": "007",
                  "name": "plain",
                  "note": ""
                }
                """);
        assertThat(read("G1/b1/batch-summary.tsv")).isEqualTo("job.0001\tS1\njob.0002\tS2\njob.0003\t007\n");
        assertThat(r.touchedPaths()).containsExactly(
                "jobs/G1/b1/backlog/job.0001/params.json",
                "jobs/G1/b1/backlog/job.0002/params.json",
                "jobs/G1/b1/backlog/job.0003/params.json",
                "jobs/G1/b1/batch-summary.tsv");
        assertThat(tree.hasTouched()).isFalse();
        assertThat(tree.index().inState(State.BACKLOG)).hasSize(3);
        // and a fresh scan reads them back as healthy backlog jobs
        TrackingTree again = tree();
        assertThat(again.index().inState(State.BACKLOG)).hasSize(3);
        assertThat(again.index().held()).isEmpty();
    }

    @Test
    void jsonArrayKeepsValuesAsGivenAndKeysInOrder() throws IOException {
        Path in = input("items.json", """
                [
                  {"sample": "S1", "reads": [1, 2], "ratio": 0.50, "ok": true, "meta": {"z": null, "a": "x"}, "id": 12345678901234567890},
                  {"zeta": "first", "alpha": [], "empty": {}}
                ]
                """);

        ImportResult r = importer.importJobs(request("G1", "b1", in, null), FolderIntake.over(tree()));

        assertThat(r.jobs()).extracting(JobRef::jobId).containsExactly("job.0001", "job.0002");
        assertThat(read("G1/b1/backlog/job.0001/params.json")).isEqualTo("""
                {
                  "sample": "S1",
                  "reads": [
                    1,
                    2
                  ],
                  "ratio": 0.50,
                  "ok": true,
                  "meta": {
                    "z": null,
                    "a": "x"
                  },
                  "id": 12345678901234567890
                }
                """);
        assertThat(read("G1/b1/backlog/job.0002/params.json")).isEqualTo("""
                {
                  "zeta": "first",
                  "alpha": [],
                  "empty": {}
                }
                """);
        assertThat(read("G1/b1/batch-summary.tsv")).isEqualTo("job.0001\tS1\njob.0002\tfirst\n");
    }

    @Test
    void jsonLinesSkipBlankLinesForJsonlNdjsonAndJsonStartingWithABrace() throws IOException {
        String lines = "{\"sample\": \"S1\", \"n\": 1}\r\n\n   \n{\"sample\": \"S2\", \"n\": 2}\n";
        for (String name : List.of("a.jsonl", "b.ndjson", "c.json", "D.JSONL")) {
            String batch = "b-" + name.replace('.', '-');
            ImportResult r = importer.importJobs(request("G1", batch, input(name, lines), null), FolderIntake.over(tree()));
            assertThat(r.jobs()).extracting(JobRef::jobId).as(name).containsExactly("job.0001", "job.0002");
            assertThat(read("G1/" + batch + "/backlog/job.0002/params.json")).as(name).isEqualTo("""
                    {
                      "sample": "S2",
                      "n": 2
                    }
                    """);
        }
    }

    // --- batch naming and numbering ----------------------------------------------------------------

    @Test
    void autoBatchIsTodaysUtcDate() throws IOException {
        Clock lateInTokyo = Clock.fixed(Instant.parse("2021-07-09T23:30:00Z"), ZoneId.of("Asia/Tokyo"));
        ImportResult r = new Importer(lateInTokyo).importJobs(request("G1", "auto", csv("a.csv"), null), FolderIntake.over(tree()));
        assertThat(r.batch()).isEqualTo("2021-07-09");
        assertThat(jobs.resolve("G1/2021-07-09/backlog/job.0001/params.json")).isRegularFile();
    }

    @Test
    void autoBatchTakesTheFirstFreeLetterWhenTodaysBatchExists() throws IOException {
        existingJob("G1", "2021-07-09", "completed", "job.0001", "{\"id\": \"old\"}");
        existingJob("OTHER", "2021-07-09b", "backlog", "job.0001", "{\"id\": \"other group\"}");

        ImportResult first = importer.importJobs(request("G1", "auto", csv("a.csv"), null), FolderIntake.over(tree()));
        assertThat(first.batch()).isEqualTo("2021-07-09a");
        assertThat(first.jobs()).extracting(JobRef::jobId).containsExactly("job.0001", "job.0002");

        ImportResult second = importer.importJobs(request("G1", "auto", csv("b.csv"), null), FolderIntake.over(tree()));
        assertThat(second.batch()).isEqualTo("2021-07-09b");
        assertThat(jobs.resolve("G1/2021-07-09b/backlog/job.0001/params.json")).isRegularFile();
        assertThat(jobs.resolve("G1/2021-07-09b/batch-summary.tsv")).isRegularFile();
    }

    @Test
    void autoBatchCountsAnEmptyBatchFolderAsTaken() throws IOException {
        Files.createDirectories(jobs.resolve("G1/2021-07-09/backlog"));
        assertThat(importer.importJobs(request("G1", "auto", csv("a.csv"), null), FolderIntake.over(tree())).batch())
                .isEqualTo("2021-07-09a");
    }

    @Test
    void autoBatchPastZIsAnErrorAndWritesNothing() throws IOException {
        Files.createDirectories(jobs.resolve("G1/2021-07-09"));
        for (char c = 'a'; c <= 'z'; c++) {
            Files.createDirectories(jobs.resolve("G1/2021-07-09" + c));
        }
        assertRefusedAndUnchanged(request("G1", "auto", csv("a.csv"), null), "--batch auto", "2021-07-09z");
    }

    @Test
    void numberingContinuesAfterTheHighestJobOfTheBatchInAnyState() throws IOException {
        existingJob("G1", "b1", "completed", "job.0007", "{\"id\": \"x7\"}");
        existingJob("G1", "b1", "backlog", "job.0003", "{\"id\": \"x3\"}");
        existingJob("G1", "b1", "onhold", "job.0005", "{\"id\": \"x5\"}");
        existingJob("G1", "b2", "failed", "job.0042", "{\"id\": \"other batch\"}");
        write(jobs.resolve("G1/b1/batch-summary.tsv"), "job.0003\tx3\njob.0005\tx5\njob.0007\tx7"); // no final newline

        ImportResult r = importer.importJobs(request("G1", "b1", csv("a.csv"), null), FolderIntake.over(tree()));

        assertThat(r.jobs()).extracting(JobRef::jobId).containsExactly("job.0008", "job.0009");
        assertThat(read("G1/b1/batch-summary.tsv"))
                .isEqualTo("job.0003\tx3\njob.0005\tx5\njob.0007\tx7\njob.0008\tS1\njob.0009\tS2\n");
        assertThat(r.touchedPaths()).containsExactly(
                "jobs/G1/b1/backlog/job.0008/params.json",
                "jobs/G1/b1/backlog/job.0009/params.json",
                "jobs/G1/b1/batch-summary.tsv");
    }

    @Test
    void idsGrowPastFourDigits() throws IOException {
        existingJob("G1", "b1", "completed", "job.9999", "{\"id\": \"x\"}");
        ImportResult r = importer.importJobs(request("G1", "b1", csv("a.csv"), null), FolderIntake.over(tree()));
        assertThat(r.jobs()).extracting(JobRef::jobId).containsExactly("job.10000", "job.10001");
    }

    // --- unique key --------------------------------------------------------------------------------

    @Test
    void uniqueKeyRefusesValuesAlreadyInTheGroupIncludingInsideArrays() throws IOException {
        existingJob("G1", "b1", "completed", "job.0001", "{\"analysis_id\": [\"A1\", \"A2\"]}");
        existingJob("G1", "b2", "failed", "job.0004", "{\"analysis_id\": \"A3\"}");
        existingJob("G2", "b1", "backlog", "job.0001", "{\"analysis_id\": \"A9\"}"); // another group: no conflict
        Path in = input("new.csv", "analysis_id,n\nA9,1\nA2,2\nA3,3\nA10,4\n");

        BadInputException e = assertRefusedAndUnchanged(request("G1", "b3", in, "analysis_id"),
                "new.csv", "2 rows refused", "line 3: 'A2' is already in G1/b1/completed/job.0001",
                "line 4: 'A3' is already in G1/b2/failed/job.0004");
        assertThat(e.getMessage()).doesNotContain("line 2").doesNotContain("line 5");
    }

    @Test
    void uniqueKeyRefusesDuplicatesWithinTheFile() throws IOException {
        Path in = input("dups.jsonl", """
                {"analysis_id": "A1"}
                {"analysis_id": ["A2", "A3"]}

                {"analysis_id": "A1"}
                {"analysis_id": ["A4", "A3"]}
                {"analysis_id": ["A5", "A5"]}
                """);
        assertRefusedAndUnchanged(request("G1", "b1", in, "analysis_id"), "dups.jsonl", "3 rows refused",
                "line 4: 'A1' repeats line 1", "line 5: 'A3' repeats line 2", "line 6: 'A5' appears twice in this row");
    }

    @Test
    void uniqueKeyMissingInARowIsAnErrorNamingTheLine() throws IOException {
        Path in = input("gaps.csv", "analysis_id,other\nA1,x\n,y\n");
        assertRefusedAndUnchanged(request("G1", "b1", in, "analysis_id"), "line 3: no value for 'analysis_id'");
        Path json = input("gaps.json", "[{\"analysis_id\": \"A1\"},\n {\"other\": 1},\n {\"analysis_id\": null}]");
        assertRefusedAndUnchanged(request("G1", "b1", json, "analysis_id"),
                "element [1] (line 2): no value for 'analysis_id'", "element [2] (line 3): no value");
    }

    @Test
    void uniqueKeyAcceptsNewValuesAndNamesThemInTheSummary() throws IOException {
        existingJob("G1", "b1", "completed", "job.0001", "{\"analysis_id\": [\"A1\"]}");
        Path in = input("ok.jsonl", """
                {"donor": "D1", "analysis_id": ["A2", "A3"]}
                {"donor": "D2", "analysis_id": "A4"}
                """);
        ImportResult r = importer.importJobs(request("G1", "b1", in, "analysis_id"), FolderIntake.over(tree()));
        assertThat(r.jobs()).extracting(JobRef::jobId).containsExactly("job.0002", "job.0003");
        assertThat(read("G1/b1/batch-summary.tsv")).isEqualTo("job.0002\tA2,A3\njob.0003\tA4\n");
    }

    // --- bad input ---------------------------------------------------------------------------------

    @Test
    void unterminatedQuoteNamesFileAndLine() throws IOException {
        Path in = input("broken.csv", "id,note\nS1,ok\nS2,\"never closed\nS3,x\n");
        assertRefusedAndUnchanged(request("G1", "b1", in, null), "broken.csv", "line 3", "unterminated quote");
    }

    @Test
    void wrongFieldCountNamesThePhysicalLine() throws IOException {
        Path in = input("short.csv", "id,note\r\nS1,\"two\r\nlines\"\r\nS2\r\n");
        assertRefusedAndUnchanged(request("G1", "b1", in, null), "short.csv", "line 4",
                "1 field, but the header (line 1) has 2");
    }

    @Test
    void badHeadersAreRefused() throws IOException {
        assertRefusedAndUnchanged(request("G1", "b1", input("dup.csv", "id,x,id\n1,2,3\n"), null),
                "dup.csv", "line 1", "'id' appears twice");
        assertRefusedAndUnchanged(request("G1", "b1", input("blank.csv", "id,,x\n1,2,3\n"), null),
                "blank.csv", "line 1", "column 2 has an empty name");
    }

    @Test
    void malformedJsonLineNamesTheLine() throws IOException {
        Path in = input("bad.jsonl", "{\"a\": 1}\n\n{\"a\": 2,}\n");
        assertRefusedAndUnchanged(request("G1", "b1", in, null), "bad.jsonl", "line 3", "malformed JSON");
        Path notObject = input("arr.ndjson", "{\"a\": 1}\n[1, 2]\n");
        assertRefusedAndUnchanged(request("G1", "b1", notObject, null), "arr.ndjson", "line 2",
                "expected a JSON object, found an array");
        Path dupKey = input("dup.jsonl", "{\"a\": 1, \"a\": 2}\n");
        assertRefusedAndUnchanged(request("G1", "b1", dupKey, null), "dup.jsonl", "line 1", "malformed JSON");
    }

    @Test
    void jsonArrayErrorsNameTheElementAndItsLine() throws IOException {
        Path notObject = input("arr.json", "[\n  {\"a\": 1},\n  \"text\"\n]\n");
        assertRefusedAndUnchanged(request("G1", "b1", notObject, null), "arr.json", "element [1] (line 3)",
                "expected a JSON object, found a string");
        Path malformed = input("mal.json", "[\n  {\"a\": 1},\n  {\"a\": }\n]\n");
        assertRefusedAndUnchanged(request("G1", "b1", malformed, null), "mal.json", "line 3", "malformed JSON");
        Path unclosed = input("open.json", "[\n  {\"a\": 1}\n");
        assertRefusedAndUnchanged(request("G1", "b1", unclosed, null), "open.json");
        Path trailing = input("trail.json", "[{\"a\": 1}]\n{\"b\": 2}\n");
        assertRefusedAndUnchanged(request("G1", "b1", trailing, null), "trail.json", "line 2");
        Path scalar = input("scalar.json", "42\n");
        assertRefusedAndUnchanged(request("G1", "b1", scalar, null), "scalar.json", "must start with '['");
    }

    @Test
    void emptyInputsAreRefused() throws IOException {
        assertRefusedAndUnchanged(request("G1", "b1", input("empty.csv", ""), null), "empty.csv", "empty");
        assertRefusedAndUnchanged(request("G1", "b1", input("header.csv", "id,name\r\n"), null), "header.csv",
                "no rows");
        assertRefusedAndUnchanged(request("G1", "b1", input("blank.jsonl", "\n \n"), null), "blank.jsonl", "no rows");
        assertRefusedAndUnchanged(request("G1", "b1", input("empty.json", "  \n"), null), "empty.json", "empty");
        assertRefusedAndUnchanged(request("G1", "b1", input("none.json", "[]"), null), "none.json", "no rows");
    }

    @Test
    void missingOversizedAndUnknownFilesAreRefused() throws IOException {
        assertRefusedAndUnchanged(request("G1", "b1", tmp.resolve("nope.csv"), null), "--from", "nope.csv",
                "no such file");
        Path big = tmp.resolve("big.csv");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(InputRows.MAX_BYTES + 1); // sparse: costs no disk
        }
        assertRefusedAndUnchanged(request("G1", "b1", big, null), "big.csv", "64 MiB");
        assertRefusedAndUnchanged(request("G1", "b1", input("items.txt", "id\n1\n"), null), "items.txt",
                ".csv, .jsonl, .ndjson or .json");
    }

    @Test
    void unsafeGroupAndBatchNamesAreRefusedNamingTheOption() throws IOException {
        Path in = csv("a.csv");
        assertRefusedAndUnchanged(request("../x", "b1", in, null), "--group", "'../x'", "not a safe name");
        assertRefusedAndUnchanged(request("a/b", "b1", in, null), "--group");
        assertRefusedAndUnchanged(request("G1", "..", in, null), "--batch", "not a safe name");
        assertRefusedAndUnchanged(request("G1", "b/../../x", in, null), "--batch");
        assertRefusedAndUnchanged(request("G1", "b1", in, " "), "--unique-key");
    }

    @Test
    void groupAndBatchNamesOfGateFilesAndStatesAreRefused() throws IOException {
        Path in = csv("a.csv");
        assertRefusedAndUnchanged(request("pause.loc", "b1", in, null), "--group", "'pause.loc' is reserved",
                "jobs/pause.<environment>");
        assertRefusedAndUnchanged(request("excessive_failure.loc.txt", "b1", in, null), "--group", "reserved");
        assertRefusedAndUnchanged(request("backlog", "b1", in, null), "--group", "state folder");
        assertRefusedAndUnchanged(request("G1", "backlog", in, null), "--batch", "'backlog' is reserved");
        assertRefusedAndUnchanged(request("G1", "Completed", in, null), "--batch", "reserved");
        assertRefusedAndUnchanged(request("G1", "onhold", in, null), "--batch", "reserved");
    }

    /**
     * The importer's own work (reading, checking uniqueness against the group, numbering, rendering) for
     * 10,000 rows must take well under a few seconds. The writes themselves go through
     * {@link TrackingTree#addJob}, which forces every params.json to disk; their time depends on the disk
     * and is printed, not asserted.
     */
    @Test
    void tenThousandRowsAreCheckedQuicklyAndAllWritten() throws IOException {
        StringBuilder sb = new StringBuilder("analysis_id,donor,url\n");
        for (int i = 0; i < 10_000; i++) {
            sb.append("A").append(i).append(",D").append(i % 97).append(",\"https://x/").append(i).append("\"\n");
        }
        Path in = input("many.csv", sb.toString());
        for (int i = 1; i <= 500; i++) {
            existingJob("G1", "old", i % 2 == 0 ? "completed" : "failed", Importer.jobId(i),
                    "{\"analysis_id\": [\"B" + i + "\", \"C" + i + "\"], \"n\": " + i + "}");
        }
        TrackingTree tree = tree();

        long t0 = System.nanoTime();
        Importer.Plan plan = importer.plan(request("G1", "b1", in, "analysis_id"), tree);
        long planMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(plan.jobs()).hasSize(10_000);
        assertThat(planMs).as("checking 10,000 rows took %d ms", planMs).isLessThan(4_000);
        assertThat(tree.hasTouched()).isFalse();

        long t1 = System.nanoTime();
        ImportResult r = importer.importJobs(request("G1", "b1", in, "analysis_id"), FolderIntake.over(tree));
        long allMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("import of 10,000 rows: checks %d ms, whole import with writes %d ms%n", planMs, allMs);

        assertThat(r.jobs()).hasSize(10_000);
        assertThat(r.jobs().get(9_998).jobId()).isEqualTo("job.9999");
        assertThat(r.jobs().get(9_999).jobId()).isEqualTo("job.10000");
        assertThat(r.touchedPaths()).hasSize(10_001).contains("jobs/G1/b1/backlog/job.10000/params.json",
                "jobs/G1/b1/batch-summary.tsv");
        assertThat(read("G1/b1/backlog/job.10000/params.json")).isEqualTo("""
                {
                  "analysis_id": "A9999",
                  "donor": "D8",
                  "url": "https://x/9999"
                }
                """);
        assertThat(read("G1/b1/batch-summary.tsv")).startsWith("job.0001\tA0\n").endsWith("job.10000\tA9999\n");
    }

    // --- helpers -----------------------------------------------------------------------------------

    private BadInputException assertRefusedAndUnchanged(ImportRequest req, String... messageParts) throws IOException {
        Map<String, String> before = snapshot();
        TrackingTree tree = tree();
        int jobsBefore = tree.index().size();
        Throwable t = catchThrowable(() -> importer.importJobs(req, FolderIntake.over(tree)));
        assertThat(t).isInstanceOf(BadInputException.class);
        for (String part : messageParts) {
            assertThat(t.getMessage()).contains(part);
        }
        assertThat(snapshot()).as("the tree after a refused import").isEqualTo(before);
        assertThat(tree.hasTouched()).isFalse();
        assertThat(tree.index().size()).isEqualTo(jobsBefore);
        return (BadInputException) t;
    }

    /** Every file and folder under the repo root with its content. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                out.put(rel, Files.isDirectory(p) ? "<dir>" : Files.readString(p));
            }
        }
        return out;
    }

    private TrackingTree tree() {
        TrackingTree t = new TrackingTree(root, Optional.empty());
        t.load();
        return t;
    }

    private static ImportRequest request(String group, String batch, Path from, String key) {
        return new ImportRequest(group, batch, from, Optional.ofNullable(key));
    }

    private Path csv(String name) throws IOException {
        return input(name, "id,n\nS1,1\nS2,2\n");
    }

    private Path input(String name, String content) throws IOException {
        Path p = tmp.resolve("in").resolve(name);
        write(p, content);
        return p;
    }

    private void existingJob(String group, String batch, String state, String jobId, String params) throws IOException {
        write(jobs.resolve(group).resolve(batch).resolve(state).resolve(jobId).resolve("params.json"), params);
    }

    private static void write(Path p, String content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    private String read(String underJobs) throws IOException {
        return Files.readString(jobs.resolve(underJobs));
    }
}
