package dev.caravan.bench.slurm;

import dev.caravan.cli.Daemon;
import dev.caravan.engine.Engine;
import dev.caravan.model.State;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * JOBS jobs of {@code sleep 0.1} on the Slurm cluster SLURM_CONF names, twice in one run: a plain loop of sbatch
 * that then asks squeue once a second until none is left (plain-loop.sh), and a Caravan daemon with a slurm
 * environment whose cycles run once a second. Caravan's Slurm clients are wrappers in a slurm-bin that log every
 * call, so each cycle's calls are counted. Writes OUT/results.md. Arguments: OUT JOBS SLURM_CONF.
 */
public final class SlurmBench {

    private static final long CYCLE_EVERY_MS = 1000;
    private static final long DEADLINE_MS = 30 * 60 * 1000;
    private static final List<String> TOOLS = List.of("sbatch", "squeue", "sacct", "scancel", "scontrol");

    /** What one cycle did: how many jobs were in flight when it polled, and the calls it made to each tool. */
    private record Round(int inFlight, Map<String, Integer> calls, long millis) {
    }

    private final Path out;
    private final int jobs;
    private final Path conf;

    private SlurmBench(Path out, int jobs, Path conf) {
        this.out = out.toAbsolutePath();
        this.jobs = jobs;
        this.conf = conf;
    }

    public static void main(String[] args) throws Exception {
        new SlurmBench(Path.of(args[0]), Integer.parseInt(args[1]), Path.of(args[2])).run();
    }

    private void run() throws Exception {
        say("plain loop: " + jobs + " x sbatch --wrap='sleep 0.1', then squeue once a second until none is left");
        String[] plain = sh(List.of("bash", "bench/slurm/plain-loop.sh", Integer.toString(jobs),
                out.resolve("plain").toString())).strip().split(" ");
        long plainSubmitted = Long.parseLong(plain[0]);
        long plainTotal = Long.parseLong(plain[1]);
        say("plain loop: submitted in " + plainSubmitted + " ms, all ended after " + plainTotal + " ms");

        say("caravan: " + jobs + " backlog jobs, max-parallel-runs " + jobs + ", a cycle a second");
        Path calls = out.resolve("calls.log");
        Path remote = seed();
        Properties p = settings(remote, countingBin(calls));
        List<Round> rounds = new ArrayList<>();
        long caravanSubmitted;
        long caravanTotal;
        Path cfg = out.resolve("caravan.properties");
        StringWriter w = new StringWriter();
        p.store(w, "slurm bench daemon");
        Files.writeString(cfg, w.toString());
        Main main = Daemon.newMain(Optional.of(cfg));
        main.start();
        try (ProducerTemplate pt = main.getCamelContext().createProducerTemplate()) {
            Engine engine = main.getCamelContext().getRegistry().lookupByNameAndType("engine", Engine.class);
            Files.deleteIfExists(calls);
            long t0 = System.nanoTime();
            long submittedAt = 0;
            while (true) {
                long cycleStart = System.nanoTime();
                int inFlight = engine.inspect(t -> t.index().inFlight("hpc").size());
                pt.requestBody("direct:cycle", (Object) null);
                long cycleEnd = System.nanoTime();
                rounds.add(new Round(inFlight, countAndClear(calls), (cycleEnd - cycleStart) / 1_000_000));
                if (submittedAt == 0) {
                    submittedAt = cycleEnd;
                }
                int done = engine.inspect(t -> t.index().inState(State.COMPLETED).size() + t.index().inState(State.FAILED).size());
                if (done == jobs) {
                    caravanTotal = (cycleEnd - t0) / 1_000_000;
                    break;
                }
                if ((cycleEnd - t0) / 1_000_000 > DEADLINE_MS) {
                    throw new IllegalStateException("caravan: only " + done + " of " + jobs + " jobs ended in "
                            + DEADLINE_MS / 60000 + " minutes");
                }
                long wait = CYCLE_EVERY_MS - (System.nanoTime() - cycleStart) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(wait); // the cycle cadence, as a cron of one second would give
                }
            }
            caravanSubmitted = (submittedAt - t0) / 1_000_000;
            int failed = engine.inspect(t -> t.index().inState(State.FAILED).size());
            if (failed > 0) {
                throw new IllegalStateException("caravan: " + failed + " jobs failed; see " + out.resolve("bench.log"));
            }
        } finally {
            main.stop();
        }
        say("caravan: submitted in " + caravanSubmitted + " ms, all ended after " + caravanTotal + " ms");
        report(plainSubmitted, plainTotal, caravanSubmitted, caravanTotal, rounds);
    }

    private void report(long plainSubmitted, long plainTotal, long caravanSubmitted, long caravanTotal,
                        List<Round> rounds) throws IOException {
        double ratio = (double) caravanTotal / plainTotal;
        List<Round> polls = rounds.subList(1, rounds.size()); // the first cycle had nothing in flight to poll
        int maxSqueue = polls.stream().mapToInt(r -> r.calls().getOrDefault("squeue", 0)).max().orElse(0);
        int maxSacct = polls.stream().mapToInt(r -> r.calls().getOrDefault("sacct", 0)).max().orElse(0);
        int maxInFlight = polls.stream().mapToInt(Round::inFlight).max().orElse(0);
        int sbatch = rounds.stream().mapToInt(r -> r.calls().getOrDefault("sbatch", 0)).sum();
        int scontrol = rounds.stream().mapToInt(r -> r.calls().getOrDefault("scontrol", 0)).sum();
        int version = rounds.stream().mapToInt(r -> r.calls().getOrDefault("squeue --version", 0)).sum();
        int squeueTotal = rounds.stream().mapToInt(r -> r.calls().getOrDefault("squeue", 0)).sum();
        int sacctTotal = rounds.stream().mapToInt(r -> r.calls().getOrDefault("sacct", 0)).sum();
        boolean callsOk = maxSqueue == 1 && maxSacct <= 1;
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Slurm benchmark: %d jobs of `sleep 0.1`%n%n", jobs));
        md.append("| figure | plain loop (sbatch, then squeue every second) | Caravan (a cycle every second) | target |\n");
        md.append("| --- | --- | --- | --- |\n");
        md.append(String.format(Locale.ROOT, "| all %d submitted | %.1f s | %.1f s (the first cycle) | |%n", jobs,
                plainSubmitted / 1000.0, caravanSubmitted / 1000.0));
        md.append(String.format(Locale.ROOT, "| all %d ended (wall time) | %.1f s | %.1f s | |%n", jobs,
                plainTotal / 1000.0, caravanTotal / 1000.0));
        md.append(String.format(Locale.ROOT, "| Caravan / plain loop | | **%.2fx** | <= 1.2x: %s |%n", ratio,
                ratio <= 1.2 ? "PASS" : "FAIL"));
        md.append(String.format(Locale.ROOT, "| calls per poll round | | squeue at most %d, sacct at most %d per cycle, over %d"
                        + " cycles with up to %d jobs in flight | one squeue, at most one sacct: %s |%n", maxSqueue, maxSacct,
                polls.size(), maxInFlight, callsOk ? "PASS" : "FAIL"));
        md.append(String.format(Locale.ROOT, "| calls in all | %d sbatch, squeue until none left | %d sbatch, %d squeue, %d"
                        + " sacct; once: %d squeue --version (output format), %d scontrol show config (accounting) | |%n",
                jobs, sbatch, squeueTotal, sacctTotal, version, scontrol));
        md.append("\nPer cycle (jobs in flight when it polled: calls; cycle time):\n\n");
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            md.append(String.format(Locale.ROOT, "- cycle %d: %d in flight: %s; %d ms%n", i + 1, r.inFlight(), r.calls(),
                    r.millis()));
        }
        Files.writeString(out.resolve("results.md"), md.toString());
        System.err.print(md);
        if (!callsOk || ratio > 1.2) {
            say("a target was missed");
        }
    }

    /** A bare remote whose main holds JOBS backlog jobs of one batch. */
    private Path seed() throws IOException, InterruptedException {
        Path seed = Files.createDirectories(out.resolve("seed"));
        for (int i = 1; i <= jobs; i++) {
            Path d = Files.createDirectories(seed.resolve(String.format("jobs/BENCH/slurm/backlog/job.%05d", i)));
            Files.writeString(d.resolve("params.json"), "{\"n\": " + i + "}\n");
        }
        sh(List.of("git", "-C", seed.toString(), "init", "-q", "-b", "main"));
        sh(List.of("git", "-C", seed.toString(), "add", "."));
        sh(List.of("git", "-C", seed.toString(), "-c", "user.name=bench", "-c", "user.email=bench@example.org",
                "-c", "commit.gpgsign=false", "commit", "-q", "-m", "seed"));
        Path remote = out.resolve("remote.git");
        sh(List.of("git", "clone", "-q", "--bare", seed.toString(), remote.toString()));
        return remote;
    }

    private Properties settings(Path remote, Path bin) {
        Properties p = new Properties();
        p.put("camel.main.name", "caravan-slurm-bench");
        p.put("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        p.put("camel.main.routes-reload-enabled", "false");
        p.put("caravan.tracking.dir", out.resolve("tracking").toString());
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.work.dir", out.resolve("work").toString());
        p.put("caravan.triggers.enabled", "false");
        p.put("caravan.tracking.push-interval", "24h");
        p.put("caravan.env.hpc.backend", "slurm");
        p.put("caravan.env.hpc.slurm-conf", conf.toAbsolutePath().toString());
        p.put("caravan.env.hpc.slurm-bin", bin.toString());
        p.put("caravan.env.hpc.max-parallel-runs", Integer.toString(jobs));
        p.put("caravan.env.hpc.excessive-failure-threshold", "0");
        p.put("caravan.env.hpc.command", "sleep 0.1");
        return p;
    }

    /** A slurm-bin whose tools append their name to {@code calls}, then run the real ones. */
    private Path countingBin(Path calls) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(out.resolve("counting-bin"));
        for (String tool : TOOLS) {
            String real = sh(List.of("sh", "-c", "command -v " + tool)).strip();
            Path wrapper = bin.resolve(tool);
            // squeue --version (asked once, locally, to choose the output format) is told apart from the queries
            Files.writeString(wrapper, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo '" + tool + " --version'; else echo "
                    + tool + "; fi >> '" + calls + "'\nexec " + real + " \"$@\"\n");
            if (!wrapper.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + wrapper + " executable");
            }
        }
        return bin;
    }

    private static Map<String, Integer> countAndClear(Path calls) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (!Files.exists(calls)) {
            return counts;
        }
        Path taken = calls.resolveSibling("calls.taken");
        Files.move(calls, taken);
        for (String line : Files.readAllLines(taken, StandardCharsets.UTF_8)) {
            counts.merge(line.strip(), 1, Integer::sum);
        }
        Files.delete(taken);
        return counts;
    }

    private String sh(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("SLURM_CONF", conf.toAbsolutePath().toString());
        Process proc = pb.start();
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (proc.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + proc.exitValue() + ")");
        }
        return text;
    }

    private static void say(String s) {
        System.err.println("[slurm-bench] " + s);
    }
}
