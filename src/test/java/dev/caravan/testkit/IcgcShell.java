package dev.caravan.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What ICGC operators ran by hand, for comparing Caravan with: their count loop, and the git CLI. */
public final class IcgcShell {

    /** ICGC's loop over a tree: every group with at least one job folder, the four states in order. */
    public static final String LOOP = """
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

    private IcgcShell() {
    }

    /** The loop's output for the tree at {@code root} (a folder holding jobs/). */
    public static String loop(Path root) throws IOException, InterruptedException {
        return run(root, List.of("bash", "-c", LOOP, "icgc-loop", root.toAbsolutePath().toString()));
    }

    /** Caravan's report lines the loop also prints (the four states; onhold and others are Caravan's extra). */
    public static String knownStateLines(String report) {
        return report.lines().filter(l -> KNOWN_STATE_LINE.matcher(l).matches()).map(l -> l + "\n")
                .collect(Collectors.joining());
    }

    /** {@code git -C dir args...}; fails the test on a non-zero exit. */
    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=Operator",
                "-c", "user.email=op@example.org", "-c", "commit.gpgsign=false", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        return run(dir, cmd);
    }

    /** Runs {@code cmd} in {@code dir} under the C locale; fails with its stderr on a non-zero exit. */
    public static String run(Path dir, List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Files.isDirectory(dir) ? dir.toFile() : null);
        pb.environment().put("LC_ALL", "C");
        Path err = Files.createTempFile("caravan-sh", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String errText = Files.readString(err);
        Files.deleteIfExists(err);
        if (!done) {
            p.destroyForcibly();
            throw new IOException(cmd + " did not end in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " failed (" + p.exitValue() + "): " + errText + out);
        }
        return out;
    }
}
