package dev.caravan.bench;

import dev.caravan.camel.CaravanMain;
import dev.caravan.engine.Engine;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.Set;

/** What every benchmark program shares: timing, result rows, processes, an in-process daemon. */
final class Bench {

    private Bench() {
    }

    // --- results ---------------------------------------------------------------------------------

    /**
     * One row of the results table, appended to the file named by {@code -Dbench.results}: benchmark, figure,
     * value, target, PASS/FAIL/info, how it was measured. bench/run turns the rows into markdown.
     */
    static void row(String bench, String figure, String value, String target, String status, String how) {
        String line = String.join("\t", clean(bench), clean(figure), clean(value), clean(target), clean(status),
                clean(how)) + "\n";
        System.out.print("RESULT " + line);
        String file = System.getProperty("bench.results");
        if (file == null) {
            return;
        }
        try {
            Files.writeString(Path.of(file), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void info(String bench, String figure, String value, String how) {
        row(bench, figure, value, "-", "info", how);
    }

    /** A time with a target: PASS when {@code nanos <= targetNanos}. */
    static void timed(String bench, String figure, long nanos, long targetNanos, String how) {
        row(bench, figure, ms(nanos), targetNanos < 0 ? "-" : "≤ " + ms(targetNanos),
                targetNanos < 0 ? "info" : (nanos <= targetNanos ? "PASS" : "FAIL"), how);
    }

    static void check(String bench, String figure, boolean ok, String value, String expected, String how) {
        row(bench, figure, value, expected, ok ? "PASS" : "FAIL", how);
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace("|", "\\|");
    }

    static String ms(long nanos) {
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    static void log(String msg) {
        System.out.println("BENCH " + msg);
        System.out.flush();
    }

    // --- timing ----------------------------------------------------------------------------------

    static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String all(List<Long> xs) {
        return xs.stream().map(Bench::ms).reduce((a, b) -> a + ", " + b).orElse("");
    }

    interface Step {
        void run() throws Exception;
    }

    static long time(Step s) throws Exception {
        long t0 = System.nanoTime();
        s.run();
        return System.nanoTime() - t0;
    }

    // --- processes -------------------------------------------------------------------------------

    /** Runs a command to its end; its output (stdout and stderr together) is returned; non-zero exit throws. */
    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_AUTHOR_NAME", "Bench");
        pb.environment().put("GIT_AUTHOR_EMAIL", "bench@localhost");
        pb.environment().put("GIT_COMMITTER_NAME", "Bench");
        pb.environment().put("GIT_COMMITTER_EMAIL", "bench@localhost");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + " (in " + dir + ")\n" + out);
        }
        return out;
    }

    static String sh(Path dir, String script) throws IOException, InterruptedException {
        return run(dir, "bash", "-euo", "pipefail", "-c", script);
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.add("-c");
        cmd.add("commit.gpgsign=false");
        cmd.addAll(List.of(args));
        return run(dir, cmd.toArray(String[]::new)).strip();
    }

    /** Writes back what the setup left dirty (a clone, a reset), so that a timed step does not pay for it. */
    static void sync() throws IOException, InterruptedException {
        run(Path.of("/"), "sync");
    }

    static void deleteTree(Path p) throws IOException, InterruptedException {
        if (Files.exists(p)) {
            run(p.getParent(), "rm", "-rf", p.toString());
        }
    }

    // --- an in-process daemon, as src/test/java/dev/caravan/testkit/DaemonHarness does it ----------------

    static final class Daemon1 implements AutoCloseable {
        final Main main;
        final ProducerTemplate template;

        Daemon1(Main main) {
            this.main = main;
            this.template = main.getCamelContext().createProducerTemplate();
        }

        Engine engine() {
            return main.getCamelContext().getRegistry().lookupByNameAndType("engine", Engine.class);
        }

        void cycle() {
            template.requestBody("direct:cycle", (Object) null);
        }

        void commit() {
            template.requestBody("direct:commit", (Object) null);
        }

        /** A last push "now", so that with a long push interval no push (and no summary) happens. */
        void noPushDue() throws IOException {
            Path p = engine().stateDir().resolve("last-push");
            Files.writeString(p, Long.toString(System.currentTimeMillis()));
        }

        @Override
        public void close() throws Exception {
            template.close();
            main.stop();
        }
    }

    /** Base settings of a benchmark daemon: triggers off, no push due for a day, no Slack. */
    static Properties baseSettings(Path dir, Path remote) {
        Properties p = new Properties();
        p.put("camel.main.name", "caravan-bench");
        p.put("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        p.put("caravan.tracking.dir", dir.resolve("tracking").toAbsolutePath().toString());
        p.put("caravan.tracking.remote", remote.toAbsolutePath().toString());
        p.put("caravan.work.dir", dir.resolve("work").toAbsolutePath().toString());
        p.put("caravan.triggers.enabled", "false");
        p.put("caravan.tracking.push-interval", "24h");
        p.put("caravan.slack.min-interval-ms", "5");
        return p;
    }

    static Daemon1 startDaemon(Path dir, Properties props) throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("bench-daemon.properties");
        StringWriter w = new StringWriter();
        props.store(w, "benchmark daemon");
        Files.writeString(config, w.toString());
        Main main = CaravanMain.newMain(Optional.of(config));
        main.start();
        return new Daemon1(main);
    }

    /**
     * Checks that {@code repo} has exactly one commit on top of {@code base}, that its diff touches only paths
     * under {@code allowed} (folder prefixes ending in '/') and something under every one of {@code required},
     * and that nothing is left unstaged or uncommitted. Empty when all is well, else what is wrong.
     */
    static Optional<String> verifyOneCommit(Path repo, String base, Set<String> allowed, Set<String> required)
            throws IOException, InterruptedException {
        String count = git(repo, "rev-list", "--count", base + "..HEAD");
        if (!count.equals("1")) {
            return Optional.of(count + " new commits instead of 1");
        }
        List<String> paths = git(repo, "diff", "--no-renames", "--name-only", base, "HEAD").lines().toList();
        List<String> stray = paths.stream().filter(x -> allowed.stream().noneMatch(x::startsWith)).toList();
        if (!stray.isEmpty()) {
            return Optional.of("the commit touches " + stray.size() + " other paths, e.g. " + stray.get(0));
        }
        List<String> missing = required.stream().filter(r -> paths.stream().noneMatch(x -> x.startsWith(r))).toList();
        if (!missing.isEmpty()) {
            return Optional.of("the commit does not touch " + missing.size() + " expected folders, e.g. " + missing.get(0));
        }
        String status = git(repo, "status", "--porcelain", "--untracked-files=all", "jobs");
        if (!status.isEmpty()) {
            return Optional.of("uncommitted changes left: " + status.lines().findFirst().orElse(""));
        }
        return Optional.empty();
    }

    static String dir(JobRef ref, State state) {
        return "jobs/" + ref.group() + "/" + ref.batch() + "/" + state.name() + "/" + ref.jobId() + "/";
    }
}
