package dev.caravan.bench.events;

import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.camel.CaravanMain;
import dev.caravan.engine.Engine;
import dev.caravan.model.State;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Issue 11's targets (bench/events/README.md): N jobs of {@code sleep S}, P at a time, on the local backend with the
 * default cron (every 20 minutes), beside {@code xargs -P} and RQ run in the same run; the slot idle time from the run
 * folders' timestamps; commits per 200 ms; the same jobs on a copy of the 14,575-job ICGC tree; the daemon's CPU while
 * 1,000 jobs wait on a paused environment; poll rounds of a remote environment with 500 runs in flight, counted by
 * the WES emulator of the tests.
 *
 * <p>Arguments: {@code key=value}: n=1000 sleep=0.5 parallel=4 phases=refs,local,icgc,idle,poll idle-s=30
 * wes-runs=500 poll-s=10 rounds=3 tarball=../shared/data/icgc-tracking-jobs-2021-09-01.tar.gz out=target/bench-events
 */
public final class EventsBench {

    private static final String ENV = "bench";
    private static final String GROUP = "BENCH";
    private static final String BATCH = "b1";

    private final Map<String, String> args;
    private final Path out;
    private final List<String> rows = new ArrayList<>();

    private EventsBench(Map<String, String> args) {
        this.args = args;
        this.out = Path.of(args.getOrDefault("out", "target/bench-events")).toAbsolutePath();
    }

    public static void main(String[] argv) throws Exception {
        // the launch mechanism the shipped daemon's JVM uses: the JDK reads it at the JVM's first process, which here
        // is a reference runner's, before the daemon starts
        CaravanMain.prepareJvm();
        Map<String, String> a = new LinkedHashMap<>();
        for (String s : argv) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value: " + s);
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        EventsBench b = new EventsBench(a);
        b.run();
        System.exit(0);
    }

    private int n() {
        return Integer.parseInt(args.getOrDefault("n", "1000"));
    }

    private String sleep() {
        return args.getOrDefault("sleep", "0.5");
    }

    private int parallel() {
        return Integer.parseInt(args.getOrDefault("parallel", "4"));
    }

    private double limit() {
        return n() * Double.parseDouble(sleep()) / parallel();
    }

    private void run() throws Exception {
        deleteTree(out);
        Files.createDirectories(out);
        List<String> phases = List.of(args.getOrDefault("phases", "refs,local,icgc,idle,poll").split(","));
        say("load before: " + load());
        Double xargs = null;
        if (phases.contains("refs")) {
            xargs = reference("xargs");
            reference("rq");
        }
        if (phases.contains("local")) {
            local("local", Optional.empty(), xargs);
        }
        if (phases.contains("icgc")) {
            Path tarball = Path.of(args.getOrDefault("tarball", "../shared/data/icgc-tracking-jobs-2021-09-01.tar.gz"));
            if (Files.exists(tarball)) {
                local("icgc", Optional.of(tarball), xargs);
            } else {
                row("icgc tree", "skipped: " + tarball + " is absent", "", "");
            }
        }
        if (phases.contains("idle")) {
            idle();
        }
        if (phases.contains("poll")) {
            poll();
        }
        say("load after: " + load());
        System.out.println();
        System.out.println("| figure | measured | target | verdict |");
        System.out.println("| --- | --- | --- | --- |");
        rows.forEach(System.out::println);
    }

    private record Optional<T>(T value) {
        static <T> Optional<T> empty() {
            return new Optional<>(null);
        }

        static <T> Optional<T> of(T v) {
            return new Optional<>(v);
        }

        boolean isPresent() {
            return value != null;
        }
    }

    // --- references ----------------------------------------------------------------------------------

    /** bench/peers/reference: its wall time, or null when skipped. */
    private Double reference(String runner) throws Exception {
        say(runner + ": " + n() + " x sleep " + sleep() + ", " + parallel() + " at a time");
        String line = sh(List.of("bench/peers/reference", runner, Integer.toString(n()), sleep(), Integer.toString(parallel())))
                .lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse("RESULT status=missing");
        say(line);
        if (!line.contains("status=ok")) {
            row(runner + " -P" + parallel(), "skipped: " + line.replaceAll(".*reason=", ""), "", "");
            return null;
        }
        double wall = Double.parseDouble(line.replaceAll(".*wall_s=([0-9.]+).*", "$1"));
        row(runner + ", " + n() + " x sleep " + sleep() + ", " + parallel() + " at a time", f(wall) + " s",
                "reference (limit " + f(limit()) + " s)", "");
        return wall;
    }

    // --- the local backend ---------------------------------------------------------------------------

    private void local(String name, Optional<Path> tarball, Double xargs) throws Exception {
        Path dir = Files.createDirectories(out.resolve(name));
        Path seed = Files.createDirectories(dir.resolve("seed"));
        if (tarball.isPresent()) {
            say(name + ": extracting " + tarball.value());
            sh(List.of("tar", "xzf", tarball.value().toAbsolutePath().toString(), "-C", seed.toString()));
        }
        writeJobs(seed, n());
        Path remote = bareRemote(dir, seed);
        Map<String, String> p = daemonSettings(dir, remote);
        say(name + ": starting the daemon (default cron " + "0 0/20 * * * ?" + ")");
        Main main = start(dir, p);
        try {
            Engine engine = engine(main);
            String headBefore = git(dir.resolve("tracking"), "rev-parse", "HEAD").strip();
            // the bench's own jobs: the ICGC tree has backlog jobs of its own, which the environment runs as well
            until(name + ": all " + n() + " completed", 20 * limit() + 600, () -> engine.inspect(t -> t.index()
                    .inState(State.COMPLETED).stream().filter(j -> j.ref().group().equals(GROUP)).count()) == n());
            until(name + ": committed", 120, () -> gitQuiet(dir.resolve("tracking"), "status", "--porcelain").isBlank());
            long commits = Long.parseLong(git(dir.resolve("tracking"), "rev-list", "--count", headBefore + "..HEAD").strip());
            Timeline tl = Timeline.read(dir.resolve("work").resolve(GROUP).resolve(BATCH), parallel());
            String label = tarball.isPresent() ? "on the 14,575-job ICGC tree" : "on an empty tree";
            double ratioLimit = tl.wall() / limit();
            row("Caravan, " + n() + " x sleep " + sleep() + ", " + parallel() + " at a time, default cron, " + label,
                    f(tl.wall()) + " s (first release to last completion)" + (xargs == null ? "" : "; " + f(tl.wall() / xargs) + " x xargs"),
                    tarball.isPresent() ? "<= 1.3 x limit (" + f(1.3 * limit()) + " s)" : "<= 1.15 x xargs",
                    tarball.isPresent() ? verdict(ratioLimit <= 1.3) : xargs == null ? "no xargs figure" : verdict(tl.wall() / xargs <= 1.15));
            row("slot idle " + label + " (end of a job to the start of the next on its slot)",
                    "median " + ms(tl.idlePercentile(50)) + ", p99 " + ms(tl.idlePercentile(99)) + ", max " + ms(tl.idlePercentile(100)),
                    "median <= 150 ms, p99 <= 1 s",
                    verdict(tl.idlePercentile(50) <= 0.150 && tl.idlePercentile(99) <= 1.0));
            say(name + ": refills: " + tl.refillParts());
            double per200 = commits / (tl.wall() / 0.2);
            row("commits " + label, commits + " commits in " + f(tl.wall()) + " s = " + String.format(Locale.ROOT, "%.2f", per200)
                    + " per 200 ms", "<= 1 per 200 ms", verdict(per200 <= 1.0));
            long[] c = engine.cycleRequestCounts();
            say(name + ": " + c[0] + " cycle requests, " + c[1] + " requested cycles");
        } finally {
            main.stop();
        }
    }

    /** Run folders' timestamps: a run starts when its wrapper writes the pid file, ends when it writes the exit file. */
    record Timeline(List<Double> starts, List<Double> ends, List<Double> launches, int parallel) {

        static Timeline read(Path batchWork, int parallel) throws IOException {
            List<Double> starts = new ArrayList<>();
            List<Double> ends = new ArrayList<>();
            List<Double> launches = new ArrayList<>();
            try (Stream<Path> s = Files.walk(batchWork)) {
                for (Path f : (Iterable<Path>) s::iterator) {
                    String n = f.getFileName().toString();
                    if (n.endsWith(".pid")) {
                        starts.add(seconds(Files.getLastModifiedTime(f)));
                    } else if (n.endsWith(".exit")) {
                        ends.add(seconds(Files.getLastModifiedTime(f)));
                    } else if (n.endsWith(".launch")) {
                        launches.add(seconds(Files.getLastModifiedTime(f)));
                    }
                }
            }
            Collections.sort(starts);
            Collections.sort(ends);
            Collections.sort(launches);
            return new Timeline(starts, ends, launches, parallel);
        }

        /**
         * Where a refill's time goes, medians: the daemon's part (an end to the launch file of the run taking its slot:
         * the watch, the cycle, the submit up to the spawn) and the spawn's (the launch file to the wrapper's pid file).
         */
        String refillParts() {
            List<Double> daemon = new ArrayList<>();
            List<Double> spawn = new ArrayList<>();
            for (int k = parallel; k < starts.size() && k < launches.size(); k++) {
                daemon.add(Math.max(0, launches.get(k) - ends.get(k - parallel)));
                spawn.add(Math.max(0, starts.get(k) - launches.get(k)));
            }
            Collections.sort(daemon);
            Collections.sort(spawn);
            if (daemon.isEmpty()) {
                return "no refills";
            }
            return "end to launch file (watch, cycle, submit) median " + Math.round(daemon.get(daemon.size() / 2) * 1000)
                    + " ms; launch file to pid file (spawn) median " + Math.round(spawn.get(spawn.size() / 2) * 1000) + " ms";
        }

        private static double seconds(FileTime t) {
            return t.to(java.util.concurrent.TimeUnit.MICROSECONDS) / 1e6;
        }

        double wall() {
            return ends.get(ends.size() - 1) - starts.get(0);
        }

        /** The k-th start (after the first P) takes the slot the (k-P)-th end freed. */
        double idlePercentile(double pct) {
            List<Double> idle = new ArrayList<>();
            for (int k = parallel; k < starts.size(); k++) {
                idle.add(Math.max(0, starts.get(k) - ends.get(k - parallel)));
            }
            Collections.sort(idle);
            if (idle.isEmpty()) {
                return 0;
            }
            int i = (int) Math.ceil(pct / 100.0 * idle.size()) - 1;
            return idle.get(Math.max(0, Math.min(idle.size() - 1, i)));
        }
    }

    // --- idle CPU ------------------------------------------------------------------------------------

    private void idle() throws Exception {
        Path dir = Files.createDirectories(out.resolve("idle"));
        Path seed = Files.createDirectories(dir.resolve("seed"));
        writeJobs(seed, 1000);
        Files.writeString(seed.resolve("jobs").resolve("pause." + ENV), "paused for the idle benchmark\n");
        Path remote = bareRemote(dir, seed);
        Main main = start(dir, daemonSettings(dir, remote));
        try {
            Engine engine = engine(main);
            until("idle: the first cycle", 120, () -> engine.lastCycleEnd().isPresent());
            Thread.sleep(10_000); // let start-up's JIT compilation and collections settle: they are not idling
            int seconds = Integer.parseInt(args.getOrDefault("idle-s", "30"));
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L); // the measured idle time itself, not a synchronisation
            double share = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0);
            int backlog = engine.inspect(t -> t.index().inState(State.BACKLOG).size());
            row("daemon CPU while idle, " + backlog + " jobs waiting on a paused environment (" + seconds + " s, whole JVM)",
                    String.format(Locale.ROOT, "%.2f %% of one core", 100 * share), "< 2 %", verdict(share < 0.02));
        } finally {
            main.stop();
        }
    }

    // --- poll rounds on the WES emulator -------------------------------------------------------------

    private void poll() throws Exception {
        int runs = Integer.parseInt(args.getOrDefault("wes-runs", "500"));
        int pollS = Integer.parseInt(args.getOrDefault("poll-s", "10"));
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "3"));
        Path dir = Files.createDirectories(out.resolve("poll"));
        Path seed = Files.createDirectories(dir.resolve("seed"));
        // the ARGO dialect (ICGC's RDPC): a poll round is one GraphQL query per 100 runs, so rounds count exactly
        try (WesEmulator emu = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient("caravan", "secret")) {
            int perRound = (runs + 99) / 100;
            long epoch = System.currentTimeMillis() / 1000 - 60;
            for (int i = 1; i <= runs; i++) {
                String run = UUID.randomUUID().toString();
                emu.preload(run, "RUNNING", UUID.randomUUID().toString());
                Path job = Files.createDirectories(seed.resolve("jobs").resolve(GROUP).resolve(BATCH).resolve("queued")
                        .resolve(String.format("job.%05d", i)));
                Files.writeString(job.resolve("params.json"), "{}\n");
                Files.writeString(job.resolve("run." + epoch + ".wes1." + run), "");
            }
            Path remote = bareRemote(dir, seed);
            Map<String, String> p = daemonSettings(dir, remote);
            p.keySet().removeIf(k -> k.startsWith("caravan.env."));
            p.putAll(emu.environmentSettings("wes1", "caravan", "secret", "api-token"));
            p.put("caravan.env.wes1.max-parallel-runs", Integer.toString(runs));
            p.put("caravan.env.wes1.poll-interval", pollS + "s");
            Main main = start(dir, p);
            try {
                Engine engine = engine(main);
                until("poll: the first cycle", 120, () -> engine.lastCycleEnd().isPresent());
                // start counting right after a round: the next one comes one interval later
                int first = emu.count(WesEmulator.Kind.GRAPHQL);
                until("poll: a round after the first", 3L * pollS, () -> emu.count(WesEmulator.Kind.GRAPHQL) >= first + perRound);
                until("poll: that round complete", 60, () -> emu.count(WesEmulator.Kind.GRAPHQL) % perRound == 0);
                emu.resetCounts();
                long c0 = engine.cycleRequestCounts()[1];
                long t0 = System.nanoTime();
                // rounds and a half intervals after a round: exactly `rounds` timer ticks fall inside, each whole
                long window = (long) ((rounds + 0.5) * pollS * 1_000_000_000L);
                // requests from elsewhere (an intake's, a batch start's) every 100 ms meanwhile; a round's start is seen
                // as its first query (the count passing a multiple of the round's size), to the 100 ms of the loop
                List<Double> roundStarts = new ArrayList<>();
                int seen = 0;
                while (System.nanoTime() - t0 < window) {
                    engine.requestCycle(List.of("wes1"), "bench");
                    Thread.sleep(100); // the pace of the extra requests, not a synchronisation
                    int now = emu.count(WesEmulator.Kind.GRAPHQL);
                    if ((now + perRound - 1) / perRound > (seen + perRound - 1) / perRound) { // rounds begun: ceil(count / size)
                        roundStarts.add((System.nanoTime() - t0) / 1e9);
                    }
                    seen = now;
                }
                int queries = emu.count(WesEmulator.Kind.GRAPHQL);
                long cycles = engine.cycleRequestCounts()[1] - c0;
                double got = queries / (double) perRound;
                // a round that began just before the window's end counts in part: the window's edge, not an extra round.
                // What is kept is the distance between rounds: never much under the interval
                List<String> gaps = new ArrayList<>();
                boolean kept = roundStarts.size() >= rounds;
                for (int i = 1; i < roundStarts.size(); i++) {
                    double gap = roundStarts.get(i) - roundStarts.get(i - 1);
                    gaps.add(f(gap));
                    kept &= gap >= 0.9 * pollS;
                }
                row("poll rounds, " + runs + " runs in flight on the WES (RDPC) emulator, poll-interval " + pollS
                                + " s, a cycle request every 100 ms",
                        queries + " GraphQL state queries (" + perRound + " per round) = " + String.format(Locale.ROOT, "%.2f", got)
                                + " rounds in " + f(window / 1e9) + " s, rounds begun at " + roundStarts.stream().map(EventsBench::f)
                                .toList() + " s (" + String.join(", ", gaps) + " s apart), " + cycles + " cycles, "
                                + emu.count(WesEmulator.Kind.STATUS) + " single-run status requests",
                        rounds + " rounds begun, one per interval (at least 0.9 x the interval apart)", verdict(kept));
            } finally {
                main.stop();
            }
        }
    }

    // --- parts ---------------------------------------------------------------------------------------

    private static void writeJobs(Path seed, int n) throws IOException {
        for (int i = 1; i <= n; i++) {
            Path d = Files.createDirectories(seed.resolve("jobs").resolve(GROUP).resolve(BATCH).resolve("backlog")
                    .resolve(String.format("job.%05d", i)));
            Files.writeString(d.resolve("params.json"), "{\"n\": " + i + "}\n");
        }
    }

    private static Path bareRemote(Path dir, Path seed) throws Exception {
        git(seed, "init", "-q", "-b", "main");
        git(seed, "add", "-A");
        git(seed, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "seed");
        Path remote = dir.resolve("remote.git");
        sh(List.of("git", "clone", "-q", "--bare", seed.toString(), remote.toString()));
        return remote;
    }

    /** What an operator would set: the default cron and push interval, one local environment. */
    private Map<String, String> daemonSettings(Path dir, Path remote) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.main.name", "caravan-bench");
        p.put("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        p.put("caravan.tracking.dir", dir.resolve("tracking").toString());
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.work.dir", dir.resolve("work").toString());
        p.put("caravan.tracking.push-interval", "1m");
        p.put("caravan.env." + ENV + ".backend", "local");
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(parallel()));
        p.put("caravan.env." + ENV + ".excessive-failure-threshold", "0");
        p.put("caravan.env." + ENV + ".command", "sleep " + sleep());
        return p;
    }

    private static Main start(Path dir, Map<String, String> props) throws Exception {
        Properties p = new Properties();
        p.putAll(props);
        StringWriter w = new StringWriter();
        p.store(w, "bench daemon");
        Path config = dir.resolve("bench.properties");
        Files.writeString(config, w.toString());
        Main main = CaravanMain.newMain(java.util.Optional.of(config));
        main.start();
        return main;
    }

    private static Engine engine(Main main) {
        return main.getCamelContext().getRegistry().lookupByNameAndType("engine", Engine.class);
    }

    private static void until(String what, double seconds, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out after " + seconds + " s: " + what);
            }
            Thread.sleep(100); // polling interval of the check, not a synchronisation
        }
    }

    private static String git(Path dir, String... a) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(a));
        return sh(cmd);
    }

    private static String gitQuiet(Path dir, String... a) {
        try {
            return git(dir, a);
        } catch (Exception e) {
            return "?";
        }
    }

    private static String sh(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + text);
        }
        return text;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Collections.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }

    private void row(String figure, String measured, String target, String verdict) {
        String r = "| " + figure + " | " + measured + " | " + target + " | " + verdict + " |";
        rows.add(r);
        say(r);
    }

    private static String verdict(boolean ok) {
        return ok ? "met" : "NOT met";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ms(double seconds) {
        return String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void say(String s) {
        System.err.println("[events " + java.time.LocalTime.now().withNano(0) + "] " + s);
    }
}
