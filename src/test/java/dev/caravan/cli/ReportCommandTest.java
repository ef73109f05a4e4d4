package dev.caravan.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan report --tracking DIR} through the CLI entry point. */
class ReportCommandTest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result caravan(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Caravan.run(args, o, e);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path sharedDir() {
        return Path.of(System.getProperty("caravan.shared.dir", "../shared"));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    @Test
    void demoFixturePrintsTheIcgcLines() throws IOException {
        Path demo = sharedDir().resolve("fixtures/icgc/demo-jobs");
        Assumptions.assumeTrue(Files.exists(demo), "../shared not present: skipping the ICGC demo report");
        // demo-jobs holds PACA-CA/...: it is the content of a jobs/ folder
        copyTree(demo, tmp.resolve("jobs"));

        Result r = caravan("report", "--tracking", tmp.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("PACA-CA backlog 1\nPACA-CA queued 2\nPACA-CA failed 1\nPACA-CA completed 1\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void otherStateFoldersFollowTheFourAndWarningsGoToStderr() throws IOException {
        Path jobs = tmp.resolve("jobs");
        Files.createDirectories(jobs.resolve("ZETA/b1/onhold/j1"));
        Files.createDirectories(jobs.resolve("ZETA/b1/completed/j2"));
        Path bad = Files.createDirectories(jobs.resolve("ALPHA/b1/queued/j3"));
        Files.createFile(bad.resolve("run.abc.x.y"));
        Files.createDirectories(jobs.resolve("EMPTY/b1/backlog"));

        Result r = caravan("report", "--tracking=" + tmp);

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                ALPHA backlog 0
                ALPHA queued 1
                ALPHA failed 0
                ALPHA completed 0
                ZETA backlog 0
                ZETA queued 0
                ZETA failed 0
                ZETA completed 1
                ZETA onhold 1
                """);
        assertThat(r.err()).startsWith("warning: ").contains(bad.resolve("run.abc.x.y").toString());
    }

    // MAIN-CODE BUG (model/RunMarker.parse via tracking/TreeScanner): one marker file named
    // run.<epoch>._<env>.<id> makes Caravan.run throw IllegalArgumentException out of the report instead of
    // printing the counts and a warning naming the file. Left failing on purpose.
    @Test
    void aMarkerNameTheModelRefusesIsOnlyAWarning() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("jobs/PACA-CA/b1/queued/job.0001"));
        Files.createFile(d.resolve("run.1624228528._rdpc.wes-1"));

        Result r = caravan("report", "--tracking", tmp.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("PACA-CA backlog 0\nPACA-CA queued 1\nPACA-CA failed 0\nPACA-CA completed 0\n");
        assertThat(r.err()).contains(d.resolve("run.1624228528._rdpc.wes-1").toString());
    }

    // CONTRACT DEVIATION (tracking/JobIndex.counts with TreeScanner's duplicate handling): ARCHITECTURE.md says
    // the report prints the same lines as the ICGC shell loop. A job folder present in two state folders is
    // counted by the loop in both (queued 1, completed 1); Caravan keeps only the copy in the alphabetically
    // first state folder and prints queued 0, completed 1. Left failing on purpose.
    @Test
    void aJobInTwoStateFoldersIsCountedInBothLikeTheShellLoop() throws IOException {
        Files.createDirectories(tmp.resolve("jobs/PACA-CA/b1/queued/job.0001"));
        Files.createDirectories(tmp.resolve("jobs/PACA-CA/b1/completed/job.0001"));
        Files.createDirectories(tmp.resolve("jobs/PACA-CA/b1/completed/job.0002"));

        Result r = caravan("report", "--tracking", tmp.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("PACA-CA backlog 0\nPACA-CA queued 1\nPACA-CA failed 0\nPACA-CA completed 2\n");
        assertThat(r.err()).contains("job.0001").contains("two state folders");
    }

    @Test
    void aFolderWithoutJobsIsAnErrorNamingIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("not-a-tracking-tree"));
        Files.writeString(dir.resolve("README"), "nothing here");

        Result r = caravan("report", "--tracking", dir.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(dir.toString()).contains("jobs/");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMissingFolderIsAnErrorNamingIt() {
        Path dir = tmp.resolve("does-not-exist");

        Result r = caravan("report", "--tracking", dir.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(dir.toString());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnknownOptionIsBadUsage() {
        Result r = caravan("report", "--bogus", "x");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown option --bogus").contains("usage: caravan");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void otherBadCommandLinesAreBadUsage() {
        assertThat(caravan("report", "--tracking").code()).isEqualTo(2);
        assertThat(caravan("report", "--tracking", "a", "--tracking", "b").code()).isEqualTo(2);
        assertThat(caravan("report", "stray").code()).isEqualTo(2);
        Result once = caravan("report", "--once");
        assertThat(once.code()).isEqualTo(2);
        assertThat(once.err()).contains("--once");
    }

    @Test
    void helpGoesToStdout() {
        Result r = caravan("report", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("usage: caravan report");
        assertThat(r.err()).isEmpty();
    }
}
