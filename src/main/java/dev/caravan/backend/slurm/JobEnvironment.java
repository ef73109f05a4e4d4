package dev.caravan.backend.slurm;

import dev.caravan.model.JobRef;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a job's environment holds: sbatch runs with exactly this and {@code --export=ALL}, so the job gets it and
 * Slurm's own variables, never the rest of the daemon's environment (which may hold credentials). A list without
 * ALL in {@code --export} would do the same on paper, but makes slurmd load the user's login environment for every
 * job ({@code su - user -c env}), which costs about a second a job on a busy node.
 */
final class JobEnvironment {

    /** What a shell command expects to find, and what configures Slurm's clients. */
    private static final Set<String> BASE = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "SHELL");
    private static final List<String> BASE_PREFIXES = List.of("LC_", "SLURM_", "SBATCH_");

    private JobEnvironment() {
    }

    /** @param export names from {@code caravan.env.<name>.export}; ALL hands on the daemon's whole environment */
    static Map<String, String> of(Map<String, String> daemon, List<String> export, JobRef job) {
        Map<String, String> env = new TreeMap<>();
        daemon.forEach((name, value) -> {
            if (passes(name, export)) {
                env.put(name, value);
            }
        });
        env.put("CARAVAN_GROUP", job.group());
        env.put("CARAVAN_BATCH", job.batch());
        env.put("CARAVAN_JOB_ID", job.jobId());
        return env;
    }

    /** Whether a variable of the daemon's environment reaches the job. */
    static boolean passes(String name, List<String> export) {
        return export.contains("ALL") || BASE.contains(name) || export.contains(name)
                || BASE_PREFIXES.stream().anyMatch(name::startsWith);
    }
}
