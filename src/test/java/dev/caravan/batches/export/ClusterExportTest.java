package dev.caravan.batches.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.runner.Bash;
import dev.caravan.batches.runner.ItemRun;
import dev.caravan.batches.runner.ItemScript;
import dev.caravan.batches.runner.RenderedTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the archive from values, extracts it with the system tar and runs what is inside with bash. */
class ClusterExportTest {

    private static final Instant AT = Instant.parse("2026-01-15T09:30:00Z");
    private static final String FOLDER = "jobs_20260115_093000";
    private static final String LONG_ID = "w".repeat(120) + "-long-id";

    @TempDir
    Path tmp;

    private List<ItemRun> items(Path workRoot) throws IOException {
        Path base = tmp.resolve("_base");
        Files.createDirectories(base);
        Files.writeString(base.resolve("project.cfg"), "wepp project\n");
        List<RenderedTask> tasks = List.of(
                new RenderedTask("fetch_dem", "echo \"dem for $CARAVAN_JOB_ID\" > dem.txt"),
                new RenderedTask("build_soils", "cat project.cfg feature.geojson dem.txt > soils.txt"));
        List<ItemRun> out = new ArrayList<>();
        for (String id : List.of("sooke-004", "Blue Creek-NW", LONG_ID)) {
            out.add(ItemRun.of(id, workRoot.resolve(id), tasks).withBase(base)
                    .withFiles(Map.of("feature.geojson", "{\"id\": \"" + id + "\"}\n")));
        }
        return out;
    }

    private ClusterExport.Archive export(List<ItemRun> runs) {
        List<ExportItem> items = new ArrayList<>();
        items.add(new ExportItem(runs.get(0), new SlurmResources(null, null, 4, "8G")));
        items.add(new ExportItem(runs.get(1), null));
        items.add(new ExportItem(runs.get(2), new SlurmResources("long", "2-00:00:00", null, null)));
        return ClusterExport.build(new ExportRequest("WEPP-1", "2026-01-15", AT,
                List.of("export FROM_PREFIX=yes", "umask 022"), new SlurmResources("debug", "01:00:00", 1, "2G"),
                items));
    }

    private Path extract(ClusterExport.Archive archive) throws Exception {
        Path file = tmp.resolve(archive.fileName());
        Files.write(file, archive.bytes());
        Path into = tmp.resolve("extracted");
        Files.createDirectories(into);
        Process tar = new ProcessBuilder("tar", "-xzf", file.toString(), "-C", into.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(out).isZero();
        return into.resolve(archive.folder());
    }

    @Test
    void exportedScriptsRunWithBashAndGiveTheSameOutputsAsTheRunner() throws Exception {
        ClusterExport.Archive archive = export(items(tmp.resolve("cluster-work")));
        assertThat(archive.folder()).isEqualTo(FOLDER);
        assertThat(archive.fileName()).isEqualTo("WEPP-1-2026-01-15-" + FOLDER + ".tar.gz");
        Path jobs = extract(archive);
        try (Stream<Path> files = Files.list(jobs)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("sooke-004.sh",
                    "Blue Creek-NW.sh", LONG_ID + ".sh", "submit-all.sh", "run-all.sh", "README.txt", "logs");
        }
        for (String script : List.of("sooke-004.sh", "submit-all.sh", "run-all.sh")) {
            assertThat(Files.getPosixFilePermissions(jobs.resolve(script))).contains(PosixFilePermission.OWNER_EXECUTE);
            assertThat(Files.readString(jobs.resolve(script))).startsWith("#!/usr/bin/env bash\n");
        }

        List<ItemRun> direct = items(tmp.resolve("daemon-work"));
        for (ItemRun run : direct) {
            Path script = tmp.resolve("direct").resolve(run.jobId() + ".sh");
            Files.createDirectories(script.getParent());
            Files.writeString(script, ItemScript.render(run));
            assertThat(bash(script, Map.of()).exit()).isZero();
        }
        for (ItemRun run : direct) {
            Bash.Result r = bash(jobs.resolve(run.jobId() + ".sh"), Map.of());
            assertThat(r.exit()).as(r.output()).isZero();
            Path exported = tmp.resolve("cluster-work").resolve(run.jobId());
            assertThat(tree(exported)).isEqualTo(tree(run.workDir()));
            assertThat(summary(exported)).isEqualTo(summary(run.workDir()));
        }
        assertThat(Files.readString(tmp.resolve("cluster-work/sooke-004/soils.txt")))
                .isEqualTo("wepp project\n{\"id\": \"sooke-004\"}\ndem for sooke-004\n");
    }

    @Test
    void itemScriptsCarrySbatchLinesThenThePrefixCommands() throws Exception {
        Path jobs = extract(export(items(tmp.resolve("w"))));
        List<String> lines = Files.readAllLines(jobs.resolve("sooke-004.sh"));
        assertThat(lines.subList(0, 8)).containsExactly("#!/usr/bin/env bash",
                "#SBATCH --job-name=sooke-004",
                "#SBATCH --partition=debug",
                "#SBATCH --time=01:00:00",
                "#SBATCH --cpus-per-task=4",
                "#SBATCH --mem=8G",
                "#SBATCH --output=logs/sooke-004.%j.out",
                "#SBATCH --error=logs/sooke-004.%j.err");
        assertThat(lines).containsSubsequence("export FROM_PREFIX=yes", "umask 022", "job=sooke-004");
        assertThat(Files.readAllLines(jobs.resolve("Blue Creek-NW.sh")))
                .contains("#SBATCH --job-name=Blue_Creek-NW", "#SBATCH --output=logs/Blue_Creek-NW.%j.out",
                        "#SBATCH --cpus-per-task=1", "#SBATCH --mem=2G");
        assertThat(Files.readAllLines(jobs.resolve(LONG_ID + ".sh")))
                .contains("#SBATCH --partition=long", "#SBATCH --time=2-00:00:00");
    }

    @Test
    void runAllRunsEveryItemWithoutSlurm() throws Exception {
        Path jobs = extract(export(items(tmp.resolve("w"))));
        Bash.Result first = run(jobs.resolve("run-all.sh"));
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("completed sooke-004", "completed Blue Creek-NW", "3 completed, 0 failed");
        assertThat(Files.readString(jobs.resolve("logs/sooke-004.out"))).contains("task build_soils: completed");
        Bash.Result again = bash(jobs.resolve("run-all.sh"), Map.of());
        assertThat(Files.readString(jobs.resolve("logs/sooke-004.out"))).contains("task fetch_dem: skipped");
        assertThat(again.exit()).isZero();
    }

    @Test
    void submitAllSubmitsInOrderAndChainsOnRequest() throws Exception {
        Path jobs = extract(export(items(tmp.resolve("w"))));
        // an sbatch on the PATH that notes its arguments and answers as --parsable does ("id;cluster")
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path calls = tmp.resolve("sbatch-calls.txt");
        Files.writeString(bin.resolve("sbatch"), "#!/bin/bash\nn=$(( $(wc -l < " + calls + " 2>/dev/null || echo 0) + 1 ))\n"
                + "printf '%s|' \"$@\" >> " + calls + "; echo >> " + calls + "\necho \"$((1000 + n));cluster1\"\n");
        bin.resolve("sbatch").toFile().setExecutable(true);
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        Bash.Result r = bash(jobs.resolve("submit-all.sh"), env);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Files.readAllLines(calls)).containsExactly("--parsable|sooke-004.sh|",
                "--parsable|Blue Creek-NW.sh|", "--parsable|" + LONG_ID + ".sh|");
        assertThat(Files.readAllLines(jobs.resolve("submitted.tsv"))).containsExactly("sooke-004\t1001",
                "Blue Creek-NW\t1002", LONG_ID + "\t1003");
        assertThat(r.output()).contains("submitted sooke-004 as Slurm job 1001");

        Files.delete(calls);
        Files.delete(jobs.resolve("submitted.tsv"));
        Map<String, String> chained = new TreeMap<>(env);
        chained.put("CHAIN", "1");
        assertThat(bash(jobs.resolve("submit-all.sh"), chained).exit()).isZero();
        assertThat(Files.readAllLines(calls)).containsExactly("--parsable|sooke-004.sh|",
                "--parsable|--dependency=afterany:1001|Blue Creek-NW.sh|",
                "--parsable|--dependency=afterany:1002|" + LONG_ID + ".sh|");
    }

    @Test
    void resourcesAreCheckedNamingTheKey() {
        assertThatThrownBy(() -> new SlurmResources("debug\n#SBATCH --x", null, null, null))
                .isInstanceOfSatisfying(BatchInputException.class,
                        e -> assertThat(e.field()).isEqualTo("resources.partition"))
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> new SlurmResources(null, "1 hour", null, null)).hasMessageContaining("resources.time");
        assertThatThrownBy(() -> new SlurmResources(null, null, 0, null)).hasMessageContaining("resources.cpus");
        assertThatThrownBy(() -> new SlurmResources(null, null, null, "8 GB")).hasMessageContaining("resources.memory");
        for (String time : List.of("30", "30:00", "1:30:00", "2-0", "2-12:00", "2-12:00:00", "UNLIMITED")) {
            assertThat(new SlurmResources(null, time, null, null).time()).isEqualTo(time);
        }
        SlurmResources item = new SlurmResources(null, "10", null, null);
        assertThat(item.orElse(new SlurmResources("p", "20", 2, "1G"))).isEqualTo(new SlurmResources("p", "10", 2, "1G"));
    }

    @Test
    void anEmptyBatchOrARepeatedItemIsRefused() throws Exception {
        assertThatThrownBy(() -> ClusterExport.build(new ExportRequest("G", "b", AT, List.of(), null, List.of())))
                .hasMessage("batch G/b has no item to export");
        ItemRun run = items(tmp.resolve("w")).get(0);
        assertThatThrownBy(() -> ClusterExport.build(new ExportRequest("G", "b", AT, List.of(), null,
                List.of(new ExportItem(run, null), new ExportItem(run, null))))).hasMessage("item sooke-004 is listed twice");
    }

    /** Every file under a folder but run_metadata.json, with its content. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString();
                if (!rel.equals(ItemScript.METADATA)) {
                    out.put(rel, Files.readString(p));
                }
            }
        }
        return out;
    }

    /** run_metadata.json without its times: status, error, each task's status and exit code. */
    private static Map<String, String> summary(Path work) throws IOException {
        JsonNode meta = new ObjectMapper().readTree(work.resolve(ItemScript.METADATA).toFile());
        Map<String, String> out = new TreeMap<>();
        out.put("status", meta.get("status").asText());
        out.put("error", meta.get("error").toString());
        meta.get("tasks").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().get("status").asText()
                + "/" + e.getValue().get("exit_code").asText()));
        return out;
    }

    /** Runs an extracted script as a person would, ./script, through its shebang. */
    private static Bash.Result run(Path script) throws Exception {
        Process p = new ProcessBuilder(script.toString()).directory(script.getParent().toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Bash.Result(p.exitValue(), out);
    }

    private static Bash.Result bash(Path script, Map<String, String> env) throws Exception {
        return Bash.run(script, env);
    }
}
