package dev.caravan.backend.slurm;

import dev.caravan.testkit.FlowTest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.batches.export.ClusterExport;
import dev.caravan.batches.export.ExportItem;
import dev.caravan.batches.export.ExportRequest;
import dev.caravan.batches.export.SlurmResources;
import dev.caravan.batches.runner.Bash;
import dev.caravan.batches.runner.ItemRun;
import dev.caravan.batches.runner.ItemScript;
import dev.caravan.batches.runner.RenderedTask;
import dev.caravan.testkit.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch manager's export for a cluster, run unchanged on the real cluster: {@code submit-all.sh} submits
 * every {@code <job_id>.sh} with sbatch (its {@code #SBATCH} lines are read by Slurm, not by a stand-in), and
 * each item's work folder ends as the same runner gives when run directly with bash, as the daemon runs it.
 */
@FlowTest
class SlurmExportTest {

    private static final List<RenderedTask> TASKS = List.of(
            new RenderedTask("fetch_dem", "echo \"dem for $CARAVAN_JOB_ID\" > dem.txt"),
            new RenderedTask("build_soils", "cat project.cfg feature.geojson dem.txt > soils.txt"),
            new RenderedTask("where", "test -n \"$SLURM_JOB_ID\" && echo on-slurm > where.txt || echo direct > where.txt"));

    @TempDir
    Path tmp;

    private List<ItemRun> items(Path workRoot) throws IOException {
        Path base = Files.createDirectories(tmp.resolve("_base"));
        Files.writeString(base.resolve("project.cfg"), "wepp project\n");
        List<ItemRun> out = new ArrayList<>();
        for (String id : List.of("sooke-004", "Blue Creek-NW", "sooke-005")) {
            out.add(ItemRun.of(id, workRoot.resolve(id), TASKS).withBase(base)
                    .withFiles(Map.of("feature.geojson", "{\"id\": \"" + id + "\"}\n")));
        }
        return out;
    }

    @Test
    void exportedScriptsRunUnchangedOnTheClusterWithTheSameOutputs() throws Exception {
        SlurmCluster cluster = SlurmCluster.require();
        List<ExportItem> exported = new ArrayList<>();
        for (ItemRun run : items(tmp.resolve("cluster-work"))) {
            exported.add(new ExportItem(run, null));
        }
        ClusterExport.Archive archive = ClusterExport.build(new ExportRequest("WEPP-1", "2026-01-15", Instant.now(),
                List.of("umask 022"), new SlurmResources("debug", "5", 1, null), exported));
        Path jobs = extract(archive);

        ProcessBuilder pb = new ProcessBuilder("./submit-all.sh").directory(jobs.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("submit.log").toFile());
        pb.environment().put("SLURM_CONF", cluster.conf.toString());
        Process submit = pb.start();
        assertThat(submit.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(submit.exitValue()).as(Files.readString(tmp.resolve("submit.log"))).isZero();
        List<String> submitted = Files.readAllLines(jobs.resolve("submitted.tsv"));
        assertThat(submitted).extracting(l -> l.split("\t")[0]).containsExactly("sooke-004", "Blue Creek-NW", "sooke-005");

        List<String> ids = submitted.stream().map(l -> l.split("\t")[1]).toList();
        Poll.until("the exported jobs left the Slurm queue", Duration.ofSeconds(120), () -> {
            try {
                return cluster.jobs().stream().noneMatch(l -> ids.contains(l.split("\\|")[0].strip())
                        && !l.contains("COMPLETED") && !l.contains("FAILED") && !l.contains("CANCELLED"));
            } catch (IOException e) {
                return false;
            }
        });

        List<ItemRun> direct = items(tmp.resolve("daemon-work"));
        for (ItemRun run : direct) {
            assertThat(Bash.run(Bash.write(tmp.resolve("direct"), run.jobId() + ".sh", ItemScript.render(run)),
                    Map.of()).exit()).isZero();
        }
        for (ItemRun run : direct) {
            Path onCluster = tmp.resolve("cluster-work").resolve(run.jobId());
            Poll.until(run.jobId() + " recorded its end", Duration.ofSeconds(30),
                    () -> Files.isRegularFile(onCluster.resolve(ItemScript.METADATA)));
            Map<String, String> cluster_ = tree(onCluster);
            Map<String, String> daemon = tree(run.workDir());
            assertThat(cluster_.remove("where.txt")).isEqualTo("on-slurm\n");
            assertThat(daemon.remove("where.txt")).isEqualTo("direct\n");
            assertThat(cluster_).isEqualTo(daemon);
            assertThat(summary(onCluster)).isEqualTo(summary(run.workDir())).containsEntry("status", "completed");
        }
        String slurmName = "Blue_Creek-NW." + ids.get(1) + ".out";
        assertThat(jobs.resolve("logs").resolve(slurmName)).as("the #SBATCH --output line was obeyed").exists();
        assertThat(Files.readString(tmp.resolve("cluster-work/Blue Creek-NW/soils.txt")))
                .isEqualTo("wepp project\n{\"id\": \"Blue Creek-NW\"}\ndem for Blue Creek-NW\n");
    }

    private Path extract(ClusterExport.Archive archive) throws Exception {
        Path file = tmp.resolve(archive.fileName());
        Files.write(file, archive.bytes());
        Path into = Files.createDirectories(tmp.resolve("extracted"));
        Process tar = new ProcessBuilder("tar", "-xzf", file.toString(), "-C", into.toString()).inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        return into.resolve(archive.folder());
    }

    /** Every file under a folder but run_metadata.json (it holds times), with its content. */
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

    private static Map<String, String> summary(Path work) throws IOException {
        JsonNode meta = new ObjectMapper().readTree(work.resolve(ItemScript.METADATA).toFile());
        Map<String, String> out = new TreeMap<>();
        out.put("status", meta.get("status").asText());
        meta.get("tasks").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().get("status").asText()
                + "/" + e.getValue().get("exit_code").asText()));
        return out;
    }
}
