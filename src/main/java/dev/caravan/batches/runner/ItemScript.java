package dev.caravan.batches.runner;

import dev.caravan.batches.BatchInputException;
import dev.caravan.model.JobRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes the one self-contained bash script that runs an item: the local backend runs it, the Slurm
 * backend submits it, the cluster export ships it, so all three give the same outputs and the same
 * {@code run_metadata.json}. Every value from the item (names, paths, file contents) is quoted; the task
 * commands are the operator's own bash and are run as they are, each with {@code bash -c} in the folder
 * the item runs in, with {@code CARAVAN_JOB_ID}, {@code CARAVAN_WORK_DIR}, {@code CARAVAN_RUN_DIR} and
 * {@code CARAVAN_TASK} set.
 */
public final class ItemScript {

    public static final String METADATA = "run_metadata.json";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String LIBRARY = load("item-runner.bash");

    private ItemScript() {
    }

    public static String render(ItemRun run) {
        return render(run, List.of(), List.of());
    }

    /**
     * The script, with header lines right after the shebang (where Slurm reads {@code #SBATCH}) and
     * prefix commands (module load, conda activate: the operator's bash) before the runner starts.
     */
    public static String render(ItemRun run, List<String> headerLines, List<String> prefixCommands) {
        check(run);
        StringBuilder s = new StringBuilder("#!/usr/bin/env bash\n");
        for (String line : headerLines) {
            s.append(line).append('\n');
        }
        s.append("# Caravan: runs item ").append(oneLine(run.jobId())).append(" with bash; generated, do not edit.\n");
        for (String command : prefixCommands) {
            s.append(command).append('\n');
        }
        // a prefix command may have set errexit or nounset; the runner checks every status itself
        s.append("set +e +u\n");
        s.append("job=").append(Shell.quote(run.jobId())).append('\n');
        s.append("work=").append(Shell.quote(run.workDir().toString())).append('\n');
        s.append("base=").append(Shell.quote(run.baseDir() == null ? "" : run.baseDir().toString())).append('\n');
        s.append("scratch=").append(Shell.quote(run.scratchDir() == null ? "" : run.scratchDir().toString()))
                .append('\n');
        s.append("force=").append(run.forceRebuild() ? 1 : 0).append('\n');
        s.append("names=(");
        run.tasks().forEach(t -> s.append(' ').append(Shell.quote(t.name())));
        s.append(" )\ncommands=(\n");
        run.tasks().forEach(t -> s.append(Shell.quote(t.command())).append('\n'));
        s.append(")\n");
        s.append("export CARAVAN_JOB_ID=\"$job\" CARAVAN_WORK_DIR=\"$work\"\n");
        run.environment().forEach((k, v) -> s.append("export ").append(k).append('=').append(Shell.quote(v))
                .append('\n'));
        s.append("write_files() {\n");
        run.files().forEach((name, content) -> s.append("  printf '%s' ").append(Shell.quote(content))
                .append(" > \"$run\"/").append(Shell.quote(name)).append(" || return 1\n"));
        s.append("  return 0\n}\n\n");
        s.append(LIBRARY);
        s.append("\nmain\n");
        return s.toString();
    }

    private static void check(ItemRun run) {
        if (run.jobId() == null || run.jobId().isBlank() || run.jobId().indexOf('\0') >= 0) {
            throw BatchInputException.field("job_id", "an item needs a job id");
        }
        absolute("work_dir", run.workDir());
        if (run.baseDir() != null) {
            absolute("base", run.baseDir());
        }
        if (run.scratchDir() != null) {
            absolute("scratch", run.scratchDir());
            if (run.scratchDir().startsWith(run.workDir()) || run.workDir().startsWith(run.scratchDir())) {
                throw BatchInputException.field("scratch", "the scratch folder " + run.scratchDir()
                        + " must lie outside the work folder " + run.workDir() + " and not contain it");
            }
        }
        if (run.tasks().isEmpty()) {
            throw BatchInputException.field("tasks", "item " + run.jobId() + " has no task to run");
        }
        for (int i = 0; i < run.tasks().size(); i++) {
            RenderedTask t = run.tasks().get(i);
            if (!JobRef.isSafeName(t.name())) {
                throw BatchInputException.at("tasks[" + i + "].name", i, "'" + t.name() + "' is not a valid task name");
            }
            if (t.command() == null || t.command().indexOf('\0') >= 0) {
                throw BatchInputException.at("tasks[" + i + "].command", i, "task " + t.name()
                        + ": no command, or a NUL character in it");
            }
        }
        for (Map.Entry<String, String> f : run.files().entrySet()) {
            if (!JobRef.isSafeName(f.getKey()) || f.getKey().equals(METADATA)) {
                throw BatchInputException.field("files", "'" + f.getKey() + "' cannot be an item file name");
            }
            if (f.getValue() == null || f.getValue().indexOf('\0') >= 0) {
                throw BatchInputException.field("files", "file " + f.getKey() + " has no content or a NUL character");
            }
        }
        for (Map.Entry<String, String> e : run.environment().entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches() || e.getKey().startsWith("CARAVAN_")) {
                throw BatchInputException.field("environment", "'" + e.getKey()
                        + "' cannot be an environment variable name here");
            }
            if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
                throw BatchInputException.field("environment", e.getKey() + " has no value or a NUL character");
            }
        }
    }

    private static void absolute(String field, Path p) {
        if (p == null || !p.isAbsolute() || !p.normalize().equals(p) || p.getNameCount() == 0
                || p.toString().indexOf('\0') >= 0) {
            throw BatchInputException.field(field, field + " must be an absolute, normalised folder path: " + p);
        }
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\p{Cntrl}]", "?");
    }

    private static String load(String name) {
        try (InputStream in = ItemScript.class.getResourceAsStream("/dev/caravan/batches/runner/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException(new IOException("the item runner " + name + " is missing", e));
        }
    }
}
