package dev.caravan.intake;

import dev.caravan.engine.FolderIntake;
import dev.caravan.model.BadInputException;
import dev.caravan.model.JobRef;
import dev.caravan.tracking.TrackingTree;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a copy of the real ICGC demo tree ({@code ../shared/fixtures/icgc/demo-jobs}), when it is present. */
class ImportIcgcTest {

    private static final String KNOWN_ANALYSIS = "33df42ff-f804-4378-82d9-fcad5f951786";

    @TempDir
    Path tmp;

    @Test
    void anAnalysisAlreadyInTheDemoTreeIsRefused() throws IOException {
        Path root = copyDemoTree();
        Path in = tmp.resolve("more.jsonl");
        Files.writeString(in, "{\"study_id\": \"PACA-CA\", \"analysis_id\": [\"0f5c0a6e-0000-4000-8000-000000000001\"]}\n"
                + "{\"study_id\": \"PACA-CA\", \"analysis_id\": [\"" + KNOWN_ANALYSIS + "\"]}\n");
        Map<String, String> before = snapshot(root);
        TrackingTree tree = new TrackingTree(root, Optional.empty());
        tree.load();

        assertThatThrownBy(() -> new Importer(Clock.systemUTC()).importJobs(
                new ImportRequest("PACA-CA", "auto", in, Optional.of("analysis_id")), FolderIntake.over(tree)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("more.jsonl")
                .hasMessageContaining("line 2: '" + KNOWN_ANALYSIS + "' is already in PACA-CA/2021-06-20/completed/job.0001")
                .hasMessageNotContaining("line 1");
        assertThat(snapshot(root)).isEqualTo(before);
    }

    @Test
    void newAnalysesGoIntoAnExistingDemoBatchAfterItsHighestJob() throws IOException {
        Path root = copyDemoTree();
        Path in = tmp.resolve("more.csv");
        Files.writeString(in, "study_id,analysis_id\nPACA-CA,0f5c0a6e-0000-4000-8000-000000000001\n");
        TrackingTree tree = new TrackingTree(root, Optional.empty());
        tree.load();

        ImportResult r = new Importer(Clock.fixed(Instant.parse("2021-06-20T08:00:00Z"), ZoneOffset.UTC))
                .importJobs(new ImportRequest("PACA-CA", "2021-06-20", in, Optional.of("analysis_id")), FolderIntake.over(tree));

        assertThat(r.jobs()).containsExactly(new JobRef("PACA-CA", "2021-06-20", "job.0006"));
        assertThat(Files.readString(root.resolve("jobs/PACA-CA/2021-06-20/batch-summary.tsv")))
                .startsWith("job.0001\t4\t0.5\t" + KNOWN_ANALYSIS)
                .endsWith("job.0005\t1\t200\ta094f44f-e40d-436f-ae96-c5a0a53dc184\t200\tPCAWG\n"
                        + "job.0006\t0f5c0a6e-0000-4000-8000-000000000001\n");
    }

    private Path copyDemoTree() throws IOException {
        Path shared = Path.of(System.getProperty("caravan.shared.dir", "../shared"));
        Path demo = shared.resolve("fixtures/icgc/demo-jobs");
        Assumptions.assumeTrue(Files.isDirectory(demo),
                "../shared not present: skipping the ICGC demo-tree import test (" + demo.toAbsolutePath() + ")");
        Path root = tmp.resolve("repo");
        Path jobs = root.resolve("jobs");
        try (Stream<Path> s = Files.walk(demo)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dest = jobs.resolve(demo.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return root;
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "<dir>" : Files.readString(p));
            }
        }
        return out;
    }
}
