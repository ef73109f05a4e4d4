package dev.caravan.backend.slurm;

import dev.caravan.testkit.Poll;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real Slurm cluster the tests run against: the one {@code .ci/slurm-up} starts (its {@code slurm.conf} in
 * {@code $CARAVAN_SLURM_DIR}, default {@code /tmp/caravan-slurm}), or any cluster {@code SLURM_CONF} names. Tests
 * that need it call {@link #require()}, which skips them with a message when no cluster answers.
 */
final class SlurmCluster {

    private static final Duration ANSWER = Duration.ofSeconds(20);
    private static volatile Optional<String> problem;

    final Path conf;

    private SlurmCluster(Path conf) {
        this.conf = conf;
    }

    static Path dir() {
        String d = System.getenv("CARAVAN_SLURM_DIR");
        return Path.of(d == null || d.isBlank() ? "/tmp/caravan-slurm" : d);
    }

    /** Skips the calling test (with why) unless a cluster answers with an idle or busy node. */
    static SlurmCluster require() {
        Path conf = conf();
        if (problem == null) {
            problem = check(conf);
        }
        Assumptions.assumeTrue(problem.isEmpty(), () -> "no Slurm cluster to test against (" + problem.orElse("")
                + "): run .ci/slurm-up (it installs slurm-wlm and munge and starts a one-node cluster) or set SLURM_CONF");
        return new SlurmCluster(conf);
    }

    private static Path conf() {
        String env = System.getenv("SLURM_CONF");
        return env != null && !env.isBlank() ? Path.of(env) : dir().resolve("slurm.conf");
    }

    private static Optional<String> check(Path conf) {
        if (!Files.isReadable(conf)) {
            return Optional.of(conf + " does not exist");
        }
        try {
            Result r = run(conf, List.of("sinfo", "--noheader", "-o", "%T"));
            if (r.exit != 0) {
                return Optional.of("sinfo failed: " + r.err.strip());
            }
            if (!r.out.contains("idle") && !r.out.contains("mixed") && !r.out.contains("allocated")) {
                return Optional.of("no node is up: sinfo says " + r.out.strip());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("sinfo cannot run: " + e.getMessage());
        }
    }

    /** The settings every test environment on this cluster has. */
    Map<String, String> environment(String env) {
        return Map.of("caravan.env." + env + ".backend", "slurm",
                "caravan.env." + env + ".slurm-conf", conf.toString());
    }

    record Result(int exit, String out, String err) {
    }

    Result run(String... cmd) throws IOException {
        return run(conf, List.of(cmd));
    }

    private static Result run(Path conf, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SLURM_CONF", conf.toString());
        Path out = Files.createTempFile("slurm-test", ".out");
        Path err = Files.createTempFile("slurm-test", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(ANSWER.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not end within " + ANSWER);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** This user's jobs that slurmctld knows, as "id|state|comment" lines. */
    List<String> jobs() throws IOException {
        Result r = run("squeue", "--noheader", "--me", "--states=all", "-O", "JobID:|,State:|,Comment:");
        if (r.exit != 0) {
            throw new IOException("squeue failed: " + r.err);
        }
        return r.out.lines().filter(l -> !l.isBlank()).toList();
    }

    /** The jobs whose comment says they belong to one job path, in slurmctld's memory or the jobcomp file. */
    List<String> jobsWithComment(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : jobs()) {
            String[] f = line.split("\\|", 3);
            if (f.length == 3 && f[2].startsWith(prefix)) {
                out.add(f[0]);
            }
        }
        return out;
    }

    /** A slurm-bin whose tools log each call ("squeue --noheader ...") to {@code calls}, then run the real ones. */
    static Path countingBin(Path dir, Path calls) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("counting-bin"));
        for (String tool : List.of("sbatch", "squeue", "sacct", "scancel", "scontrol")) {
            Path wrapper = bin.resolve(tool);
            Files.writeString(wrapper, "#!/bin/sh\necho \"" + tool + " $*\" >> '" + calls + "'\nexec /usr/bin/" + tool
                    + " \"$@\"\n");
            if (!wrapper.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + wrapper + " executable");
            }
        }
        return bin;
    }

    /** Whether the test may stop and start slurmctld: only the cluster .ci/slurm-up started for tests. */
    boolean ownsController() {
        return conf.startsWith(dir()) && Files.isReadable(dir().resolve("slurmctld.pid"));
    }

    /** Stops slurmctld by its pid (slurmd and the running jobs go on) and waits until it is gone. */
    void stopController() throws IOException {
        long pid = Long.parseLong(Files.readString(dir().resolve("slurmctld.pid"), StandardCharsets.UTF_8).strip());
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow(() -> new IOException("slurmctld " + pid + " is not running"));
        h.destroy();
        Poll.until("slurmctld " + pid + " stopped", Duration.ofSeconds(30), () -> !h.isAlive());
    }

    /** Starts slurmctld again on the same state folder, as .ci/slurm-up does, and waits until it answers. */
    void startController() throws IOException {
        Result r = run("slurmctld", "-f", conf.toString());
        if (r.exit != 0) {
            throw new IOException("slurmctld did not start: " + r.err);
        }
        Poll.until("slurmctld answers", Duration.ofSeconds(60), () -> {
            try {
                return run(conf, List.of("sinfo", "--noheader", "-o", "%T")).exit == 0;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
