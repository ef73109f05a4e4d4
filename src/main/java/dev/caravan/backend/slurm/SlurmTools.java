package dev.caravan.backend.slurm;

import dev.caravan.backend.BackendException;
import java.io.File;
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
 * Runs Slurm's command-line clients ({@code sbatch}, {@code squeue}, {@code sacct}, {@code scancel}, {@code scontrol})
 * from {@code slurm-bin} or the PATH, with {@code SLURM_CONF} when the environment names one. Output goes to files,
 * not pipes, so a big {@code squeue --json} never blocks the tool and a hung tool is stopped at the time-out.
 */
final class SlurmTools {

    /** What a finished command left: its exit status and both streams. */
    record Result(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }

        /** stderr on one line, for messages. */
        String problem() {
            String text = err.isBlank() ? out : err;
            return text.strip().replaceAll("\\s*\\R\\s*", "; ");
        }
    }

    private final String env;
    private final Optional<Path> bin;
    private final Optional<Path> conf;
    private final Duration timeout;

    SlurmTools(String env, Optional<Path> bin, Optional<Path> conf, Duration timeout) {
        this.env = env;
        this.bin = bin;
        this.conf = conf;
        this.timeout = timeout;
    }

    /** Runs a tool in the daemon's environment; see {@link #run(String, List, Optional)}. */
    Result run(String tool, List<String> args) throws SlurmException {
        return run(tool, args, Optional.empty());
    }

    /**
     * @param environment the tool's whole environment (SLURM_CONF is added), or empty for the daemon's
     * @throws SlurmException CRITICAL when the tool cannot be started, RETRYABLE when it outlived the time-out; a
     *                        non-zero exit is returned, not thrown: what it means depends on the call
     */
    Result run(String tool, List<String> args, Optional<Map<String, String>> environment) throws SlurmException {
        List<String> cmd = new ArrayList<>(args.size() + 1);
        cmd.add(program(tool));
        cmd.addAll(args);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("caravan-" + tool + "-", ".out");
            err = Files.createTempFile("caravan-" + tool + "-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            environment.ifPresent(e -> {
                pb.environment().clear();
                pb.environment().putAll(e);
            });
            conf.ifPresent(c -> pb.environment().put("SLURM_CONF", c.toString()));
            Process p = startOrExplain(pb, tool);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new SlurmException(BackendException.Kind.RETRYABLE, "env " + env + ": " + tool
                        + " gave no answer within " + timeout.toSeconds() + " s (is slurmctld reachable?)");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, "env " + env + ": " + tool + " output could not be"
                    + " kept in " + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlurmException(BackendException.Kind.RETRYABLE, "env " + env + ": interrupted waiting for " + tool, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private Process startOrExplain(ProcessBuilder pb, String tool) throws SlurmException {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new SlurmException(BackendException.Kind.CRITICAL, "env " + env + ": cannot run " + pb.command().get(0)
                    + " (" + where(tool) + "): " + e.getMessage(), e);
        }
    }

    /** Where a tool would be taken from, for health checks: empty when it is there. */
    Optional<String> missing(String tool) {
        if (bin.isPresent()) {
            return Files.isExecutable(bin.get().resolve(tool)) ? Optional.empty()
                    : Optional.of(tool + " is not an executable in " + bin.get() + " (" + SlurmBackendFactory.SLURM_BIN + ")");
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(tool + " is not on the PATH (set " + SlurmBackendFactory.SLURM_BIN + ")");
    }

    private String program(String tool) {
        return bin.map(b -> b.resolve(tool).toString()).orElse(tool);
    }

    private String where(String tool) {
        return bin.map(b -> "from " + SlurmBackendFactory.SLURM_BIN + " " + b).orElse("'" + tool + "' on the PATH");
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }
}
