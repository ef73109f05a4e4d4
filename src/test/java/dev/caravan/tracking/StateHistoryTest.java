package dev.caravan.tracking;

import dev.caravan.report.Throughput;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart's data from a real Git repository whose commits are made at known times: which moves count as
 * completions and failures of which environment, in which bucket, and what the window leaves out.
 */
class StateHistoryTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path repo;
    Git git;

    @BeforeEach
    void history() throws Exception {
        git = Git.init().setDirectory(repo.toFile()).setInitialBranch("scheduler").call();
        for (String j : List.of("j1", "j2", "j3", "j4", "j5")) {
            write("jobs/g/b1/backlog/" + j + "/params.json", "{}");
        }
        // an imported tree's old ends: added, never moved, so not ended now
        write("jobs/g/b1/completed/old/params.json", "{}");
        write("jobs/g/b1/completed/old/run.1700000000.envA.r0", "");
        commit(T0, "seed");

        move("j1", "backlog", "queued", "run.1764583800.envA.r1");
        move("j2", "backlog", "queued", "run.1764583800.envA.r1");
        move("j3", "backlog", "queued", "run.1764583800.envA.r1");
        move("j4", "backlog", "queued", "run.1764583800.envB.r1");
        move("j5", "backlog", "queued", null);
        commit(T0.plusSeconds(600), "release 4");                 // 10:10

        move("j1", "queued", "completed", null);
        move("j2", "queued", "failed", null);
        commit(T0.plusSeconds(1200), "j1 completed, j2 failed");  // 10:20

        move("j3", "queued", "completed", null);
        move("j4", "queued", "failed", null);
        commit(T0.plusSeconds(4200), "j3 completed, j4 failed");  // 11:10

        move("j1", "completed", "backlog", null);
        commit(T0.plusSeconds(4800), "j1 sent back for a retry");  // 11:20
        move("j1", "backlog", "completed", null);
        commit(T0.plusSeconds(5400), "j1 moved back by hand");     // 11:30: the same run, not counted again

        move("j2", "failed", "backlog", null);
        commit(T0.plusSeconds(5500), "retry j2");
        move("j2", "backlog", "queued", "run.1764589600.envA.r2");
        commit(T0.plusSeconds(5600), "release j2 again");
        move("j2", "queued", "completed", null);
        commit(T0.plusSeconds(6000), "j2 completed on its second run"); // 11:40: a new run counts

        write("jobs/g/b1/completed/j3/output.txt", "written after the end");
        move("j5", "queued", "completed", null);
        move("j4", "failed", "completed", null);
        // 11:50: none counts: a file in an ended job, j5 ended without a run marker, j4 corrected by an operator
        commit(T0.plusSeconds(6600), "output; j5 without a run; j4 failed to completed by hand");
    }

    @Test
    void countsEachRunsEndOnceByEnvironmentAndState() {
        StateHistory h = new StateHistory(repo);
        StateHistory.Window w = h.read(T0, T0.plusSeconds(7200));
        assertThat(w.arrivals()).extracting(a -> a.job() + " " + a.state() + " " + a.env() + " " + a.at())
                .containsExactly(
                        "g/b1/j1 completed envA 2026-12-01T10:20:00Z",
                        "g/b1/j2 failed envA 2026-12-01T10:20:00Z",
                        "g/b1/j3 completed envA 2026-12-01T11:10:00Z",
                        "g/b1/j4 failed envB 2026-12-01T11:10:00Z",
                        "g/b1/j2 completed envA 2026-12-01T11:40:00Z");
        assertThat(w.arrivals().get(4).run()).isEqualTo("run.1764589600.envA.r2");
        assertThat(w.commits()).as("every commit from 10:00 on").isEqualTo(10);
        assertThat(w.truncated()).isFalse();
    }

    @Test
    void aRunReleasedAndEndedBetweenTwoCommitsCounts() throws Exception {
        // commits are spaced (commit-min-interval): one commit can take in a job's release and its run's end
        write("jobs/g/b1/backlog/j6/params.json", "{}");
        commit(T0.plusSeconds(6700), "j6 added");
        move("j6", "backlog", "completed", "run.1764590000.envB.r1");
        commit(T0.plusSeconds(6800), "j6 released and completed");      // 11:53:20
        StateHistory.Window w = new StateHistory(repo).read(T0.plusSeconds(6650), T0.plusSeconds(7200));
        assertThat(w.arrivals()).extracting(a -> a.job() + " " + a.state() + " " + a.env() + " " + a.run())
                .containsExactly("g/b1/j6 completed envB run.1764590000.envB.r1");
    }

    @Test
    void perBucketAndEnvironmentFailuresApart() {
        StateHistory h = new StateHistory(repo);
        Throughput t = Throughput.of(h, Instant.parse("2026-12-01T11:59:59Z"), Duration.ofHours(2), Duration.ofHours(1),
                List.of("envA", "envB", "idle"));
        assertThat(t.starts()).containsExactly(T0, T0.plusSeconds(3600));
        assertThat(t.environments()).containsOnlyKeys("envA", "envB", "idle");
        assertThat(t.environments().get("envA").completed()).containsExactly(1, 2);
        assertThat(t.environments().get("envA").failed()).containsExactly(1, 0);
        assertThat(t.environments().get("envB").completed()).containsExactly(0, 0);
        assertThat(t.environments().get("envB").failed()).containsExactly(0, 1);
        assertThat(t.environments().get("idle").totalCompleted() + t.environments().get("idle").totalFailed()).isZero();
    }

    @Test
    void theWindowBoundsWhatIsRead() {
        StateHistory h = new StateHistory(repo);
        // from 10:30: the 10:20 ends are out, and so is the commit walk before them
        StateHistory.Window w = h.read(T0.plusSeconds(1800), T0.plusSeconds(7200));
        assertThat(w.arrivals()).extracting(StateHistory.Arrival::job).containsExactly("g/b1/j3", "g/b1/j4", "g/b1/j2");
        assertThat(w.commits()).isEqualTo(7);
        // up to 11:15: what came after is out
        assertThat(h.read(T0, T0.plusSeconds(4500)).arrivals()).hasSize(4);
        // a window the history does not reach
        assertThat(h.read(T0.plusSeconds(90_000), T0.plusSeconds(99_000)).arrivals()).isEmpty();
        // a chart whose window starts at 11:00 puts an environment found only before it nowhere
        Throughput t = Throughput.of(h, Instant.parse("2026-12-01T11:59:59Z"), Duration.ofHours(1), Duration.ofMinutes(30),
                List.of());
        assertThat(t.environments().keySet()).containsExactly("envA", "envB");
        assertThat(t.environments().get("envA").completed()).containsExactly(1, 1);
    }

    @Test
    void aBoundedWalkSaysItWasCut() {
        StateHistory.Window w = new StateHistory(repo, 3).read(T0, T0.plusSeconds(7200));
        assertThat(w.commits()).isEqualTo(3);
        assertThat(w.truncated()).isTrue();
        assertThat(w.arrivals()).extracting(StateHistory.Arrival::job).containsExactly("g/b1/j2");
    }

    @Test
    void eachCommitIsDiffedOnceAcrossReads() throws Exception {
        StateHistory h = new StateHistory(repo);
        h.read(T0, T0.plusSeconds(7200));
        int first = h.commitsDiffed();
        assertThat(first).isEqualTo(10);
        h.read(T0, T0.plusSeconds(7200));
        assertThat(h.commitsDiffed()).as("a second read diffs nothing again").isEqualTo(first);
        move("j3", "completed", "backlog", null);
        commit(T0.plusSeconds(6900), "one more");
        assertThat(h.read(T0, T0.plusSeconds(7200)).arrivals()).hasSize(5);
        assertThat(h.commitsDiffed()).as("only the new commit").isEqualTo(first + 1);
    }

    @Test
    void anEmptyOrMissingCloneHasNoHistory() throws Exception {
        assertThat(new StateHistory(repo.resolve("nothing")).read(T0, T0).arrivals()).isEmpty();
        Path empty = Files.createDirectories(repo.resolve("empty"));
        Git.init().setDirectory(empty.toFile()).call().close();
        assertThat(new StateHistory(empty).read(T0, T0).head()).isEmpty();
    }

    @Test
    void aChartOfTooManyBucketsIsRefused() {
        assertThatThrownBy(() -> Throughput.of(new StateHistory(repo), T0, Duration.ofDays(7), Duration.ofSeconds(60), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1000 buckets");
    }

    private void move(String job, String from, String to, String marker) throws IOException {
        Path src = repo.resolve("jobs/g/b1/" + from + "/" + job);
        Path dest = repo.resolve("jobs/g/b1/" + to + "/" + job);
        Files.createDirectories(dest.getParent());
        Files.move(src, dest);
        if (marker != null) {
            Files.writeString(dest.resolve(marker), "");
        }
    }

    private void write(String path, String text) throws IOException {
        Path p = repo.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void commit(Instant at, String message) throws Exception {
        git.add().addFilepattern(".").call();
        git.add().addFilepattern(".").setUpdate(true).call();
        PersonIdent who = new PersonIdent("Caravan", "caravan@example.org", at, ZoneOffset.UTC);
        git.commit().setMessage(message).setAuthor(who).setCommitter(who).setSign(false).call();
    }
}
