package dev.caravan.engine;

import dev.caravan.model.JobRef;
import dev.caravan.tracking.TrackingTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every intake (import, projects, NACC, GeoJSON batches) adds jobs through one check: a group named like a gate file
 * or a state, or a batch named like a state, is refused there and nothing is written.
 */
class ReservedNamesIntakeTest {

    @TempDir
    Path dir;

    @Test
    void additionsUnderReservedGroupOrBatchNamesAreRefusedAndWriteNothing() throws Exception {
        Files.createDirectories(dir.resolve("jobs"));
        TrackingTree tree = new TrackingTree(dir, Optional.empty());
        tree.load();
        FolderIntake intake = FolderIntake.over(tree);

        for (JobRef ref : List.of(new JobRef("pause.loc", "b1", "job.0001"),
                new JobRef("excessive_failure.loc.txt", "b1", "job.0001"), new JobRef("queued", "b1", "job.0001"),
                new JobRef("G1", "backlog", "job.0001"), new JobRef("G1", "FAILED", "job.0001"))) {
            Addition a = new Addition(List.of(new NewJob(ref, "{}\n".getBytes(StandardCharsets.UTF_8))),
                    Map.of(), Optional.empty());
            IntakeOutcome o = intake.add(view -> a);
            assertThat(o.changed()).as(ref.path()).isEmpty();
            assertThat(o.refusals()).as(ref.path()).contains(ref.group() + "/" + ref.batch()).contains("is reserved");
        }
        try (Stream<Path> s = Files.list(dir.resolve("jobs"))) {
            assertThat(s.toList()).isEmpty();
        }

        Addition fine = new Addition(List.of(new NewJob(new JobRef("pause-study", "2021-07-09", "job.0001"),
                "{}\n".getBytes(StandardCharsets.UTF_8))), Map.of(), Optional.empty());
        IntakeOutcome ok = intake.add(view -> fine);
        assertThat(ok.refused()).isEmpty();
        assertThat(dir.resolve("jobs/pause-study/2021-07-09/backlog/job.0001/params.json")).exists();
    }
}
