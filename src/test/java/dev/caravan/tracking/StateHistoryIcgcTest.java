package dev.caravan.tracking;

import dev.caravan.testkit.IcgcShell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart's history on the real ICGC snapshot (14,575 job folders, {@code ../shared/data/...tar.gz}) with a run of
 * commits on top, each ending one job and releasing the next: every end counted once, the 14,575 jobs of the first
 * commit not at all, and a read costs the commits' diffs once, then nothing but a walk of the cache. Prints the
 * figures the README gives.
 */
class StateHistoryIcgcTest {

    static final Path TARBALL = Path.of(System.getProperty("caravan.shared.dir", "../shared"))
            .resolve("data/icgc-tracking-jobs-2021-09-01.tar.gz");
    static final int COMMITS = 20;

    @TempDir
    Path dir;

    @Test
    void readsOnlyWhatCommitsChangedAndOnlyOnce() throws Exception {
        Assumptions.assumeTrue(Files.exists(TARBALL), "../shared not present: skipping the ICGC history figures");
        Path t = Files.createDirectories(dir.resolve("tracking"));
        IcgcShell.run(dir, List.of("tar", "xzf", TARBALL.toAbsolutePath().toString(), "-C", t.toString()));
        IcgcShell.git(t, "init", "-q", "-b", "scheduler");
        IcgcShell.git(t, "add", "-A");
        IcgcShell.git(t, "commit", "-q", "-m", "ICGC tracking jobs 2021-09-01");
        Instant start = Instant.now().minusSeconds(1);

        // failed jobs that ran before: each commit releases one (failed -> queued) and ends the one before it
        List<Path> failed;
        try (Stream<Path> s = Files.find(t.resolve("jobs"), 4, (p, a) -> a.isDirectory()
                && p.getParent().getFileName().toString().equals("failed") && t.resolve("jobs").relativize(p).getNameCount() == 4)) {
            failed = s.sorted().limit(COMMITS + 1).toList();
        }
        Path previous = null;
        for (Path job : failed) {
            Path queued = job.getParent().resolveSibling("queued").resolve(job.getFileName());
            Files.createDirectories(queued.getParent());
            Files.move(job, queued);
            if (previous != null) {
                Path done = previous.getParent().resolveSibling("completed").resolve(previous.getFileName());
                Files.createDirectories(done.getParent());
                Files.move(previous, done);
            }
            // only the batch's folders: a whole-tree add stats all 14,575 jobs each time
            IcgcShell.git(t, "add", "-A", "--", t.relativize(job.getParent().getParent()).toString(),
                    previous == null ? "jobs/.gitignore" : t.relativize(previous.getParent().getParent()).toString());
            IcgcShell.git(t, "commit", "-q", "-m", "release " + job.getFileName());
            previous = queued;
        }

        StateHistory h = new StateHistory(t);
        long t0 = System.nanoTime();
        StateHistory.Window w = h.read(start, Instant.now().plusSeconds(60));
        long first = System.nanoTime() - t0;
        assertThat(w.arrivals()).as("one end per commit after the first release").hasSize(COMMITS);
        assertThat(w.arrivals()).allSatisfy(a -> assertThat(a.state()).isEqualTo("completed"));
        assertThat(w.commits()).as("the releases, and the import when it was made in the window's first second")
                .isBetween(COMMITS + 1, COMMITS + 2);
        int diffed = h.commitsDiffed();
        assertThat(diffed).as("the walk stopped at the window's start: the import commit is read, not diffed again")
                .isLessThanOrEqualTo(COMMITS + 2);

        t0 = System.nanoTime();
        StateHistory.Window again = h.read(start, Instant.now().plusSeconds(60));
        long cached = System.nanoTime() - t0;
        assertThat(again.arrivals()).isEqualTo(w.arrivals());
        assertThat(h.commitsDiffed()).isEqualTo(diffed);

        // the whole history: the import commit of 14,575 jobs adds, it ends nothing
        t0 = System.nanoTime();
        StateHistory.Window all = new StateHistory(t).read(Instant.EPOCH, Instant.now().plusSeconds(60));
        long warm = System.nanoTime() - t0;
        assertThat(all.arrivals()).hasSize(COMMITS);
        System.out.printf("ICGC history: %d commits, first read %d ms (JVM cold), an empty cache in a warm JVM %d ms"
                + " (%.1f ms a commit), cached read %.1f ms%n", COMMITS + 1, first / 1_000_000, warm / 1_000_000,
                warm / 1e6 / (COMMITS + 2), cached / 1e6);
        assertThat(cached).as("a cached read walks the cache only").isLessThan(first);
    }
}
