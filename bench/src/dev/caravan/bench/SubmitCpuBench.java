package dev.caravan.bench;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import static dev.caravan.bench.Bench.check;
import static dev.caravan.bench.Bench.git;
import static dev.caravan.bench.Bench.info;
import static dev.caravan.bench.Bench.row;
import static dev.caravan.bench.Bench.startDaemon;

/**
 * Issue 15: the daemon's own CPU per submission and per polled run, beside the backend call itself. The {@code bench}
 * backend answers at once without I/O, so what the process spends is the release path: the route, the throttle-free
 * split, the submit intent (fsync), marker, move, index, journal, logging, staging and the commit.
 *
 * <p>N jobs a cycle (default 1,000) on a tree of (W + 1) × N backlog jobs, on the daemon's own routes: W times (default
 * 3) a cycle that releases N and one that polls them to completed with releases paused (warm-up: the JIT compiles
 * the path, as in a daemon that has run for a while), then the same two cycles measured. Process CPU ({@code OperatingSystemMXBean.getProcessCpuTime}: every
 * thread, GC and JIT included) over each measured cycle, divided by N. The breakdown is from a JFR recording of
 * Java execution samples during the measured cycles, each sample given to the innermost frame of a known part.
 */
public final class SubmitCpuBench {

    private static final String B = "5 submit CPU";
    private static final String ENV = "cpu";
    static final double TARGET_MS = 2.0;
    /** -Dbench.jfr=false: no JFR recording (its start makes the JIT recompile, which the figure then counts). */
    static final boolean JFR = Boolean.parseBoolean(System.getProperty("bench.jfr", "true"));

    private SubmitCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Bench.deleteTree(out);
        Files.createDirectories(out);
        Path seed = Files.createDirectories(out.resolve("seed"));
        for (int i = 1; i <= (warmups + 1) * n; i++) {
            Path d = Files.createDirectories(seed.resolve(String.format("jobs/G/b1/backlog/job.%05d", i)));
            Files.writeString(d.resolve("params.json"), "{\"sample\": \"S" + i + "\", \"reads\": \"s3://bucket/S" + i
                    + "/reads.bam\", \"threads\": 4}\n");
        }
        git(seed, "init", "-q", "-b", "main");
        git(seed, "add", "-A");
        git(seed, "commit", "-q", "-m", "seed");
        Path remote = out.resolve("remote.git");
        git(out, "clone", "-q", "--bare", seed.toString(), remote.toString());

        Properties p = Bench.baseSettings(out, remote);
        p.put("caravan.env." + ENV + ".backend", BenchBackendFactory.KIND);
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(n));
        p.put("caravan.env." + ENV + ".excessive-failure-threshold", "0");
        // with its triggers off this daemon is no leader, so it would re-read the whole tree as a standby every 30 s,
        // in the middle of a measured cycle; a leading daemon never does (its refresh returns at once)
        p.put("caravan.standby.refresh-interval", "24h");
        Path pause = out.resolve("tracking/jobs/pause." + ENV);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Bench.Daemon1 d = startDaemon(out.resolve("daemon"), p)) {
            d.noPushDue();
            // JFR starts before the warm-up: its start loads and generates classes and deoptimises compiled code, and
            // the JIT's work on that would otherwise land in the measured cycle. The recordings below only add a window
            Recording warm = JFR ? samplesRecording() : null;
            if (warm != null) {
                warm.start();
            }
            // warm-up: releases and polls of N, as measured below, until the JIT has compiled the path
            for (int w = 0; w < warmups; w++) {
                BenchBackend.hold = true;
                d.cycle();
                Files.createFile(pause);
                BenchBackend.hold = false;
                d.cycle();
                Files.delete(pause);
            }
            BenchBackend.hold = true;
            BenchBackend.resetCounters();
            Bench.sync();
            jitSettled();

            Path jfr = out.resolve("release.jfr");
            long[] submit = measured(d, os, jfr);
            int submits = BenchBackend.SUBMITS.get();
            Map<String, Long> submitParts = parts(jfr);
            String submitThreads = threadNames;

            Files.createFile(pause);
            BenchBackend.hold = false;
            BenchBackend.resetCounters();
            Bench.sync();
            jitSettled();
            Path jfr2 = out.resolve("poll.jfr");
            long[] poll = measured(d, os, jfr2);
            int polled = BenchBackend.POLLED_RUNS.get();
            Map<String, Long> pollParts = parts(jfr2);
            String pollThreads = threadNames;

            check(B, "5 the measured cycles did the work", submits == n && polled == n,
                    submits + " submissions, " + polled + " runs polled", n + " and " + n, "bench backend counters");
            double perSubmit = submit[0] / 1e6 / n;
            row(B, "5 daemon CPU per submission (the backend call itself ~0: bench backend)",
                    String.format(Locale.ROOT, "%.3f ms", perSubmit), "≤ " + TARGET_MS + " ms",
                    perSubmit <= TARGET_MS ? "PASS" : "FAIL",
                    String.format(Locale.ROOT, "process CPU %.0f ms (user %.0f, system %.0f) over the cycle releasing %,d jobs (wall %.0f ms),"
                            + " intents, markers, moves, route, staging and commit included; %s", submit[0] / 1e6, submit[2] / 1e6,
                            submit[3] / 1e6, n, submit[1] / 1e6, submitThreads + "; " + breakdown(submitParts)));
            double perPoll = poll[0] / 1e6 / n;
            info(B, "5 daemon CPU per polled run (ended, moved to completed)", String.format(Locale.ROOT, "%.3f ms", perPoll),
                    String.format(Locale.ROOT, "process CPU %.0f ms (user %.0f, system %.0f) over the cycle polling %,d runs in %d calls of 100"
                            + " (wall %.0f ms), moves, staging and commit included; %s", poll[0] / 1e6, poll[2] / 1e6, poll[3] / 1e6, n,
                            (n + 99) / 100, poll[1] / 1e6, pollThreads + "; " + breakdown(pollParts)));
        }
    }

    /** User and system CPU of this process so far, in ns, from /proc/self/stat (Linux; zeros elsewhere). */
    static long[] userSys() {
        try {
            String st = Files.readString(Path.of("/proc/self/stat"));
            String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
            long tick = 10_000_000L; // USER_HZ 100 on Linux
            return new long[] {Long.parseLong(f[11]) * tick, Long.parseLong(f[12]) * tick};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    /** CPU of every live Java thread so far, by id. */
    static Map<Long, long[]> threadCpu() {
        var t = ManagementFactory.getThreadMXBean();
        Map<Long, long[]> out = new LinkedHashMap<>();
        for (long id : t.getAllThreadIds()) {
            long c = t.getThreadCpuTime(id);
            if (c > 0) {
                out.put(id, new long[] {c});
            }
        }
        return out;
    }

    static String threadNames = "";
    static long[] gcBefore = new long[3];

    /** Java threads' CPU during the cycle, grouped by name without numbers: what the rest (GC, JIT, kernel) is not. */
    static String threadsSince(Map<Long, long[]> before) {
        var t = ManagementFactory.getThreadMXBean();
        Map<String, Long> by = new java.util.TreeMap<>();
        long sum = 0;
        for (long id : t.getAllThreadIds()) {
            long c = t.getThreadCpuTime(id);
            var info = t.getThreadInfo(id);
            if (c <= 0 || info == null) {
                continue;
            }
            long d = c - before.getOrDefault(id, new long[] {0})[0];
            sum += d;
            by.merge(info.getThreadName().replaceAll("[-#]?\\d+", "").replaceAll("\\s+\\(.*", ""), d, Long::sum);
        }
        List<String> xs = new ArrayList<>();
        by.entrySet().stream().filter(e -> e.getValue() >= 5_000_000).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> xs.add(String.format(Locale.ROOT, "%s %.0f ms", e.getKey(), e.getValue() / 1e6)));
        long gcMs = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionTime()).sum();
        long gcN = ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionCount()).sum();
        long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        String vm = String.format(Locale.ROOT, "; GC %d collections, %d ms; JIT %d ms", gcN - gcBefore[1],
                gcMs - gcBefore[0], jit - gcBefore[2]);
        return String.format(Locale.ROOT, "Java threads %.0f ms: ", sum / 1e6) + String.join(", ", xs) + vm;
    }

    /** CPU (user + system, ns) of every thread of this process, native ones included, by task id: {comm, ns}. */
    static Map<String, Object[]> tasks() {
        Map<String, Object[]> out = new LinkedHashMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                try {
                    String st = Files.readString(t.resolve("stat"));
                    String comm = st.substring(st.indexOf('(') + 1, st.lastIndexOf(')'));
                    String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                    out.put(t.getFileName().toString(), new Object[] {comm,
                            (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L});
                } catch (Exception e) {
                    // the thread ended meanwhile
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return out;
    }

    /** All threads' CPU since {@code before}, grouped by kind (GC, JIT compiler, Camel pool, main...). */
    static String tasksSince(Map<String, Object[]> before) {
        Map<String, Long> by = new java.util.TreeMap<>();
        tasks().forEach((id, now) -> {
            long b = before.containsKey(id) ? (long) before.get(id)[1] : 0;
            String comm = ((String) now[0]).replaceAll("[#\\d]+$", "").strip();
            String kind = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") ? "JIT compiler"
                    : comm.startsWith("GC Thread") || comm.startsWith("G1") || comm.startsWith("VM Thread") ? "GC and VM"
                    : comm.startsWith("Camel") ? "Camel pool threads" : comm;
            by.merge(kind, (long) now[1] - b, Long::sum);
        });
        List<String> xs = new ArrayList<>();
        by.entrySet().stream().filter(e -> e.getValue() >= 10_000_000).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> xs.add(String.format(Locale.ROOT, "%s %.0f ms", e.getKey(), e.getValue() / 1e6)));
        return "threads (/proc, user + system): " + String.join(", ", xs);
    }

    /** One cycle under a JFR recording: {process CPU ns, wall ns, user ns, system ns}. */
    private static long[] measured(Bench.Daemon1 d, com.sun.management.OperatingSystemMXBean os, Path jfr)
            throws Exception {
        try (Recording r = JFR ? samplesRecording() : null) {
            if (r != null) {
                r.start();
            }
            Map<Long, long[]> th0 = threadCpu();
            Map<String, Object[]> tk0 = tasks();
            gcBefore = new long[] {ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionTime()).sum(),
                    ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionCount()).sum(),
                    ManagementFactory.getCompilationMXBean().getTotalCompilationTime()};
            long[] us0 = userSys();
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            d.cycle();
            long wall = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - c0;
            long[] us1 = userSys();
            threadNames = tasksSince(tk0) + "; " + threadsSince(th0);
            if (r != null) {
                r.stop();
                r.dump(jfr);
            }
            return new long[] {cpu, wall, us1[0] - us0[0], us1[1] - us0[1]};
        }
    }

    private static Recording samplesRecording() {
        Recording r = new Recording();
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        return r;
    }

    /**
     * Waits (at most 60 s) until the JIT compilers have been idle for a second: what the warm-up queued is compiled
     * before the measured cycle, so the figure is the steady state of a daemon that has been running, not the tail of
     * its warm-up. What the measured cycle itself makes the JIT compile is still counted.
     */
    static void jitSettled() throws InterruptedException {
        var jit = ManagementFactory.getCompilationMXBean();
        long deadline = System.nanoTime() + 60_000_000_000L;
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < 1_000_000_000L) {
            Thread.sleep(100);
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** Where each part starts, innermost frame first: the first frame that names a part takes the sample. */
    private static final String[][] PARTS = {
            {"logging", "org.apache.logging.", "org.slf4j."},
            {"Git: staging, commit (JGit, camel-git)", "org.eclipse.jgit.", "org.apache.camel.component.git."},
            {"JSON (params, intents)", "com.fasterxml.jackson."},
            {"submit intents (journal)", "dev.caravan.tracking.Journal"},
            {"tree: markers, moves, index", "dev.caravan.tracking."},
            {"the backend (bench)", "dev.caravan.bench."},
            {"engine: plan, bookkeeping", "dev.caravan.engine.", "dev.caravan.scheduling.", "dev.caravan.model."},
            {"Camel: routes, split, beans", "org.apache.camel."},
    };

    static Map<String, Long> parts(Path jfr) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        if (!JFR) {
            return out;
        }
        for (String[] part : PARTS) {
            out.put(part[0], 0L);
        }
        out.put("other (JDK alone)", 0L);
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            String part = "other (JDK alone)";
            outer:
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                String cls = f.getMethod().getType().getName();
                for (String[] pt : PARTS) {
                    for (int i = 1; i < pt.length; i++) {
                        if (cls.startsWith(pt[i])) {
                            part = pt[0];
                            break outer;
                        }
                    }
                }
            }
            out.merge(part, 1L, Long::sum);
        }
        return out;
    }

    static String breakdown(Map<String, Long> parts) {
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        List<String> xs = new ArrayList<>();
        parts.entrySet().stream().filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> xs.add(String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total)));
        return "Java execution samples (" + total + ", JFR every 2 ms per thread): " + String.join(", ", xs);
    }
}
