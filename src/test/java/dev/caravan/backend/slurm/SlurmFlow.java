package dev.caravan.backend.slurm;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A tracking remote of backlog jobs for a slurm environment {@code hpc} on the test cluster. Each job's command logs
 * "start" and "end" lines with nanosecond times to {@code runs.log} (the end also when Slurm sends it SIGTERM),
 * sleeps {@code params.sleep} seconds, and fails
 * with exit 4 when {@code params.fail} is true. The batch name is new for every fixture, so what a test finds in
 * Slurm by comment is its own.
 */
final class SlurmFlow {

    static final String GROUP = "SLURM-IT";
    static final String ENV = "hpc";

    final Path dir;
    final String batch = "run-" + UUID.randomUUID().toString().substring(0, 8);
    final Path runsLog;
    private final Path seed;
    private Path remote;

    SlurmFlow(Path dir) throws IOException {
        this.dir = dir;
        this.runsLog = dir.resolve("runs.log");
        this.seed = Files.createDirectories(dir.resolve("seed"));
    }

    /** Adds a backlog job; {@code extra} is more params.json text ({@code "slurm": {...}}), {@code after} its predecessors. */
    SlurmFlow job(String id, double sleep, boolean fail, String extra, String... after) throws IOException {
        Path d = Files.createDirectories(seed.resolve("jobs").resolve(GROUP).resolve(batch).resolve("backlog").resolve(id));
        Files.writeString(d.resolve("params.json"), "{\"sleep\": " + sleep + ", \"fail\": " + fail
                + (extra.isEmpty() ? "" : ", " + extra) + "}\n");
        for (String a : after) {
            Files.writeString(d.resolve("after." + a), "");
        }
        return this;
    }

    Path remote() throws Exception {
        if (remote == null) {
            remote = GitFixtures.bareRemote(dir.resolve("remote.git"), seed);
        }
        return remote;
    }

    /** A test daemon's settings: this remote, the environment on the cluster, cycles only when the test asks. */
    Map<String, String> settings(SlurmCluster cluster, int maxParallel) throws Exception {
        Map<String, String> p = DaemonHarness.base(dir);
        p.put("caravan.tracking.remote", remote().toString());
        p.putAll(cluster.environment(ENV));
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(maxParallel));
        p.put("caravan.env." + ENV + ".excessive-failure-threshold", "0");
        // a job Slurm ends (time-out, scancel) gets SIGTERM: its end is logged then too
        p.put("caravan.env." + ENV + ".command", "trap 'echo end $CARAVAN_JOB_ID $(date +%s%N) >> " + runsLog
                + "; exit 143' TERM; echo start {job_id} $(date +%s%N) >> " + runsLog + "; sleep {params.sleep};"
                + " echo end {job_id} $(date +%s%N) >> " + runsLog
                + "; [ {params.fail} = false ] || { echo job {job_id} said no >&2; exit 4; }");
        return p;
    }

    /**
     * A condition for {@link dev.caravan.testkit.Poll#until} that first runs a daemon cycle, at most one every 200 ms:
     * Poll asks every 20 ms, and back-to-back cycles would only burn the cores the cluster's jobs need.
     */
    static BooleanSupplier cycleThen(DaemonHarness daemon, BooleanSupplier done) {
        long[] last = {0};
        return () -> {
            if (System.nanoTime() - last[0] >= 200_000_000L) {
                daemon.cycle();
                last[0] = System.nanoTime();
            }
            return done.getAsBoolean();
        };
    }

    /** The comment prefix of every submission of this fixture's jobs. */
    String commentPrefix() {
        return SlurmBackend.COMMENT_PREFIX + GROUP + "/" + batch + "/";
    }

    Path tracking() {
        return dir.resolve("tracking");
    }

    List<String> jobsIn(String state) {
        return FlowFixture.jobsIn(tracking(), GROUP, batch, state);
    }

    /** Run markers of a job, wherever it is. */
    List<String> markers(String job) throws IOException {
        List<String> out = new ArrayList<>();
        for (String state : List.of("backlog", "queued", "failed", "completed")) {
            Path d = tracking().resolve("jobs").resolve(GROUP).resolve(batch).resolve(state).resolve(job);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run.")).forEach(out::add);
                }
            }
        }
        return out;
    }

    /** What runs.log says: per job, its start and end times in nanoseconds (end absent while running or killed). */
    record Run(String job, long start, Long end) {
    }

    List<Run> runs() throws IOException {
        Map<String, Run> byJob = new LinkedHashMap<>();
        Map<String, Integer> starts = new HashMap<>();
        if (!Files.exists(runsLog)) {
            return List.of();
        }
        List<Run> out = new ArrayList<>();
        for (String line : Files.readAllLines(runsLog)) {
            String[] f = line.split(" ");
            if (f.length != 3) {
                continue;
            }
            if (f[0].equals("start")) {
                starts.merge(f[1], 1, Integer::sum);
                Run r = new Run(f[1] + "#" + starts.get(f[1]), Long.parseLong(f[2]), null);
                byJob.put(f[1], r);
                out.add(r);
            } else if (f[0].equals("end") && byJob.containsKey(f[1])) {
                Run started = byJob.get(f[1]);
                out.set(out.indexOf(started), new Run(started.job(), started.start(), Long.parseLong(f[2])));
            }
        }
        return out;
    }

    /** How many times each job started. */
    Map<String, Long> startsPerJob() throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Run r : runs()) {
            out.merge(r.job().substring(0, r.job().indexOf('#')), 1L, Long::sum);
        }
        return out;
    }
}
