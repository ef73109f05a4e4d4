package dev.caravan.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real ICGC tracking snapshot ({@code ../shared/data/icgc-tracking-jobs-2021-09-01.tar.gz}): Caravan's
 * report against the shell loop ICGC operators ran, computed here with bash and find.
 */
class ReportIcgcSnapshotTest {

    /** ICGC's loop, made correct: every group with at least one job folder, the four states in order. */
    private static final String ICGC_LOOP = """
            set -eu
            cd "$1/jobs"
            for g in $(ls -d */ | sort); do
              g=${g%/}
              total=$(find "$g" -mindepth 3 -maxdepth 3 -type d | wc -l)
              [ "$total" -gt 0 ] || continue
              for s in backlog queued failed completed; do
                n=$(find "$g" -mindepth 3 -maxdepth 3 -path "$g/*/$s/*" -type d | wc -l)
                echo "$g $s $((n))"
              done
            done
            """;

    private static final Pattern KNOWN_STATE_LINE = Pattern.compile("\\S+ (backlog|queued|failed|completed) \\d+");

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
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().put("LC_ALL", "C");
        Path err = Files.createTempFile("caravan-sh", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String errText = Files.readString(err);
        Files.deleteIfExists(err);
        assertThat(rc).as("%s: %s", cmd, errText).isZero();
        return out;
    }

    @Test
    void theFourStateLinesAreByteForByteTheShellLoops() throws Exception {
        String loop = sh(List.of("bash", "-c", ICGC_LOOP, "icgc-loop", tmp.toString()));

        String caravan = report.out().lines().filter(l -> KNOWN_STATE_LINE.matcher(l).matches())
                .map(l -> l + "\n").reduce("", String::concat);

        assertThat(report.code()).as(report.err()).isZero();
        assertThat(report.err()).as("every real marker and backlog params.json reads cleanly").isEmpty();
        assertThat(loop).isNotEmpty();
        assertThat(loop.lines().count() % 4).isZero();
        assertThat(caravan).isEqualTo(loop);
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
