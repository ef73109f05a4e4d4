package dev.caravan.tracking;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import dev.caravan.model.Transition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrackingTreeTest {

    private static final JobRef J1 = new JobRef("PACA-CA", "2021-06-20", "job.0001");
    private static final String PARAMS = "{\"study_id\": \"PACA-CA\"}\n";

    @TempDir
    Path root;

    Path backlogDir;

    @BeforeEach
    void setUp() throws IOException {
        backlogDir = Files.createDirectories(root.resolve("jobs/PACA-CA/2021-06-20/backlog/job.0001"));
        Files.writeString(backlogDir.resolve("params.json"), PARAMS);
        Files.createFile(backlogDir.resolve("run.1624228528.rdpc-prod.wes-1687af9a1ae744d5a266ab092ee7f4fa.f1cd3a00"));
        Files.createDirectories(root.resolve("jobs/PACA-CA/2021-06-20/queued"));
    }

    private TrackingTree loaded() {
        TrackingTree t = new TrackingTree(root, Optional.empty());
        assertThat(t.load().warnings()).isEmpty();
        return t;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void moveRenamesTheFolderUpdatesTheIndexAndRecordsOldAndNewPaths() throws IOException {
        TrackingTree tree = loaded();
        Object folderKey = Files.readAttributes(backlogDir, BasicFileAttributes.class).fileKey();
        List<String> before = listing(backlogDir);

        Transition t = tree.move(J1, State.QUEUED, "released");

        Path queuedDir = root.resolve("jobs/PACA-CA/2021-06-20/queued/job.0001");
        assertThat(backlogDir).doesNotExist();
        assertThat(listing(queuedDir)).isEqualTo(before);
        assertThat(queuedDir.resolve("params.json")).content().isEqualTo(PARAMS);
        if (folderKey != null) {
            // the same directory, renamed: not a copy followed by a delete
            assertThat(Files.readAttributes(queuedDir, BasicFileAttributes.class).fileKey()).isEqualTo(folderKey);
        }
        assertThat(t.ref()).isEqualTo(J1);
        assertThat(t.from()).isEqualTo(State.BACKLOG);
        assertThat(t.to()).isEqualTo(State.QUEUED);
        assertThat(t.env()).isEqualTo("rdpc-prod");
        assertThat(t.reason()).isEqualTo("released");
        assertThat(tree.index().get(J1)).map(Job::state).contains(State.QUEUED);
        assertThat(tree.index().inState(State.BACKLOG)).isEmpty();
        assertThat(tree.index().inState(State.QUEUED)).extracting(Job::ref).containsExactly(J1);
        assertThat(tree.jobDir(tree.index().get(J1).orElseThrow())).isEqualTo(queuedDir);
        assertThat(tree.hasTouched()).isTrue();
        String run = "run.1624228528.rdpc-prod.wes-1687af9a1ae744d5a266ab092ee7f4fa.f1cd3a00";
        assertThat(tree.takeTouched()).containsExactly(
                "jobs/PACA-CA/2021-06-20/backlog/job.0001/params.json",
                "jobs/PACA-CA/2021-06-20/backlog/job.0001/" + run,
                "jobs/PACA-CA/2021-06-20/queued/job.0001/params.json",
                "jobs/PACA-CA/2021-06-20/queued/job.0001/" + run);
        assertThat(tree.takeTouched()).isEmpty();
        assertThat(tree.hasTouched()).isFalse();
    }

    @Test
    void moveIntoAStateFolderThatDoesNotExistYetCreatesIt() {
        TrackingTree tree = loaded();

        tree.move(J1, State.of("onhold"), "operator");

        assertThat(root.resolve("jobs/PACA-CA/2021-06-20/onhold/job.0001/params.json")).exists();
        assertThat(tree.index().counts().get("PACA-CA")).containsEntry(State.of("onhold"), 1)
                .containsEntry(State.BACKLOG, 0);
    }

    @Test
    void aMoveOntoAnExistingFolderIsRefusedAndChangesNothing() throws IOException {
        Path clash = Files.createDirectories(root.resolve("jobs/PACA-CA/2021-06-20/failed/job.0001"));
        Files.writeString(clash.resolve("keep.txt"), "x");
        TrackingTree tree = new TrackingTree(root, Optional.empty());
        tree.load(); // the duplicate makes the job held; the move itself must still refuse
        List<String> before = listing(backlogDir);

        assertThatThrownBy(() -> tree.move(J1, State.FAILED, "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already exists");

        assertThat(listing(backlogDir)).isEqualTo(before);
        assertThat(listing(clash)).containsExactly("keep.txt");
        assertThat(tree.hasTouched()).isFalse();
    }

    @Test
    void movingAJobNotInTheIndexFails() {
        TrackingTree tree = loaded();

        assertThatThrownBy(() -> tree.move(new JobRef("PACA-CA", "2021-06-20", "nope"), State.QUEUED, "x"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PACA-CA/2021-06-20/nope");
    }

    @Test
    void addMarkerWritesAnEmptyFileRecordsItAndUpdatesTheIndex() throws IOException {
        TrackingTree tree = loaded();
        RunMarker m = new RunMarker(1700000000L, "local", "local-1700000000-abc.1");

        tree.addMarker(J1, m);

        Path file = backlogDir.resolve("run.1700000000.local.local-1700000000-abc.1");
        assertThat(file).isRegularFile().isEmptyFile();
        assertThat(listing(backlogDir)).noneMatch(n -> n.startsWith(".")); // no temp file left behind
        assertThat(tree.takeTouched()).containsExactly("jobs/PACA-CA/2021-06-20/backlog/job.0001/" + m.fileName());
        Job j = tree.index().get(J1).orElseThrow();
        assertThat(j.newestRun()).contains(m);
        assertThat(j.runs()).hasSize(2);
        assertThat(j.mayRunOn("local")).isTrue();
        assertThat(j.mayRunOn("rdpc-prod")).isFalse();

        // what was written reads back the same
        TrackingTree again = loaded();
        assertThat(again.index().get(J1).orElseThrow().runs()).isEqualTo(j.runs());
    }

    @Test
    void theDirtyMarkerIsWrittenBeforeTheFirstChange() throws IOException {
        Path dirty = root.resolve("state/dirty");
        Files.createDirectories(dirty.getParent());
        TrackingTree tree = new TrackingTree(root, Optional.of(dirty));
        tree.load();
        assertThat(dirty).doesNotExist();

        tree.move(J1, State.QUEUED, "released");

        assertThat(dirty).exists();
    }

    @Test
    void pauseAndFlagFilesAreSeenAndTheFlagIsRecorded() throws IOException {
        TrackingTree tree = loaded();
        assertThat(tree.isPaused("wes")).isFalse();
        Files.createFile(root.resolve("jobs/pause.wes"));

        tree.writeExcessiveFailureFlag("wes", "# 3 jobs failed\nPACA-CA/2021-06-20/job.0001\n");

        assertThat(tree.isPaused("wes")).isTrue();
        assertThat(tree.isPaused("local")).isFalse();
        assertThat(tree.hasExcessiveFailureFlag("wes")).isTrue();
        assertThat(root.resolve("jobs/excessive_failure.wes.txt")).content().contains("PACA-CA/2021-06-20/job.0001");
        assertThat(tree.takeTouched()).containsExactly("jobs/excessive_failure.wes.txt");
    }

    @Test
    void aChangeMadeWhileTheTreeIsReadInTheBackgroundWaitsForTheReadAndIsCountedOnce() throws Exception {
        for (int i = 2; i <= 2000; i++) { // enough folders that the read is still going when the addition comes
            Path d = Files.createDirectories(root.resolve("jobs/PACA-CA/2021-06-20/backlog/job." + i));
            Files.writeString(d.resolve("params.json"), PARAMS);
        }
        TrackingTree t = new TrackingTree(root, Optional.empty());
        java.util.concurrent.CompletableFuture<ScanResult> read = t.loadInBackground();

        JobRef added = new JobRef("PACA-CA", "2021-06-20", "job.new");
        t.addJob(added, State.BACKLOG, PARAMS.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(read).isDone(); // the addition waited for the read instead of racing it
        assertThat(read.get().warnings()).as("the read never saw a half-made folder").isEmpty();
        assertThat(t.index().size()).isEqualTo(2001);
        assertThat(t.index().get(added)).map(Job::state).contains(State.BACKLOG);
    }
}
