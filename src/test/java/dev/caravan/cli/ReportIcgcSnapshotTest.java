package dev.caravan.cli;

import dev.caravan.testkit.IcgcShell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real ICGC tracking snapshot ({@code ../shared/data/icgc-tracking-jobs-2021-09-01.tar.gz}): Caravan's
 * report against the shell loop ICGC operators ran, computed here with bash and find.
 */
class ReportIcgcSnapshotTest {

    @TempDir
    static Path tmp;

    static ReportCommandTest.Result report;

    @BeforeAll
    static void extractAndReport() throws Exception {
        Path tar = ReportCommandTest.sharedDir().resolve("data/icgc-tracking-jobs-2021-09-01.tar.gz");
        Assumptions.assumeTrue(Files.exists(tar), "../shared not present: skipping the ICGC snapshot report");
        sh(List.of("tar", "xzf", tar.toAbsolutePath().toString(), "-C", tmp.toString()));
        report = ReportCommandTest.caravan("report", "--tracking", tmp.toString());
    }

    static String sh(List<String> cmd) throws IOException, InterruptedException {
        return IcgcShell.run(tmp, cmd);
    }

    @Test
    void theFourStateLinesAreByteForByteTheShellLoops() throws Exception {
        String loop = IcgcShell.loop(tmp);

        String caravan = IcgcShell.knownStateLines(report.out());

        assertThat(report.code()).as(report.err()).isZero();
        assertThat(report.err()).as("every real marker and backlog params.json reads cleanly").isEmpty();
        assertThat(loop).isNotEmpty();
        assertThat(loop.lines().count() % 4).isZero();
        assertThat(caravan).isEqualTo(loop);
    }

    @Test
    void theWholeReportIsByteForByteTheShellLoops() throws Exception {
        // the tree's two onhold folders (CLLE-ES 2021-07-05 and 2021-07-07) are empty: no line for them
        assertThat(report.out()).isEqualTo(IcgcShell.loop(tmp));
    }

    @Test
    void everyJobFolderIsCountedOnce() throws Exception {
        long folders = sh(List.of("find", "jobs", "-mindepth", "4", "-maxdepth", "4", "-type", "d")).lines().count();

        long reported = report.out().lines().mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();

        assertThat(folders).isBetween(14_500L, 14_600L);
        assertThat(reported).isEqualTo(folders);
    }

    @Test
    void everyLineIsGroupStateCount() {
        assertThat(report.out().lines()).allMatch(l -> l.matches("[A-Za-z0-9][A-Za-z0-9._-]* [A-Za-z0-9][A-Za-z0-9._-]* \\d+"));
    }
}
