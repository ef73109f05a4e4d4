package dev.caravan.backend.slurm;

import dev.caravan.backend.local.CommandTemplate;
import dev.caravan.config.Durations;
import dev.caravan.model.Environment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings of one {@code slurm} environment, checked at start. Every problem is an
 * {@link IllegalArgumentException} whose message starts with the full key.
 *
 * @param workDir     where job folders go when the environment names its own (a file system the compute nodes see)
 * @param export      environment variables the job gets from the daemon besides Caravan's own ({@code ALL}: all)
 */
record SlurmSettings(String env, CommandTemplate command, Optional<Path> slurmBin, Optional<Path> slurmConf,
                     Optional<Path> workDir, Resources defaults, List<String> export, QueueFormat queueFormat,
                     Accounting accounting, Duration commandTimeout) {

    /** How squeue answers: JSON where this Slurm filters it (23.02 and later), the fixed -O columns otherwise. */
    enum QueueFormat { AUTO, JSON, TEXT }

    /** Where finished jobs are looked up once they left slurmctld's memory. */
    enum Accounting {
        /** Asked once from {@code scontrol show config}. */
        AUTO,
        /** {@code sacct} against slurmdbd. */
        SLURMDBD,
        /** {@code sacct -c}: the jobcomp/filetxt file, read on this machine. */
        JOBCOMP,
        /** Only the exit file the job script writes. */
        NONE
    }

    static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    SlurmSettings {
        export = List.copyOf(export);
    }

    static SlurmSettings of(Environment env) {
        String prefix = "caravan.env." + env.name() + ".";
        String template = env.setting(SlurmBackendFactory.COMMAND).orElseThrow(() -> bad(prefix,
                SlurmBackendFactory.COMMAND, "is required: the shell command each Slurm job runs, with the local"
                        + " backend's placeholders (e.g. ./run.sh {params.sample})"));
        CommandTemplate command = CommandTemplate.parse(template, prefix + SlurmBackendFactory.COMMAND);
        Optional<Path> bin = env.setting(SlurmBackendFactory.SLURM_BIN).map(v -> Path.of(v.trim()));
        if (bin.isPresent() && !Files.isExecutable(bin.get().resolve("sbatch"))) {
            throw bad(prefix, SlurmBackendFactory.SLURM_BIN, "'" + bin.get() + "' holds no executable sbatch"
                    + " (the folder with Slurm's sbatch, squeue, sacct, scancel and scontrol)");
        }
        Optional<Path> conf = env.setting(SlurmBackendFactory.SLURM_CONF).map(v -> Path.of(v.trim()));
        if (conf.isPresent() && !Files.isReadable(conf.get())) {
            throw bad(prefix, SlurmBackendFactory.SLURM_CONF, "'" + conf.get() + "' is not a readable file");
        }
        Optional<Path> workDir = env.setting(SlurmBackendFactory.WORK_DIR).map(v -> Path.of(v.trim()).toAbsolutePath());
        Map<String, String> fields = new LinkedHashMap<>();
        for (String f : Resources.FIELDS) {
            env.setting(f).ifPresent(v -> fields.put(f, v));
        }
        Resources defaults = Resources.read(fields, (field, problem) -> bad(prefix, field, problem));
        Duration timeout = env.setting(SlurmBackendFactory.COMMAND_TIMEOUT)
                .map(v -> Durations.parseSetting(prefix + SlurmBackendFactory.COMMAND_TIMEOUT, v))
                .orElse(DEFAULT_COMMAND_TIMEOUT);
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw bad(prefix, SlurmBackendFactory.COMMAND_TIMEOUT, "must be at least 1s: Slurm's clients wait"
                    + " for slurmctld themselves (MessageTimeout)");
        }
        return new SlurmSettings(env.name(), command, bin, conf, workDir, defaults, export(env, prefix),
                choice(env, prefix, SlurmBackendFactory.SQUEUE_OUTPUT, QueueFormat.class, QueueFormat.AUTO),
                choice(env, prefix, SlurmBackendFactory.ACCOUNTING, Accounting.class, Accounting.AUTO), timeout);
    }

    private static List<String> export(Environment env, String prefix) {
        List<String> out = new ArrayList<>();
        for (String v : env.setting(SlurmBackendFactory.EXPORT).orElse("").split(",")) {
            String name = v.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!name.equals("ALL") && !VARIABLE.matcher(name).matches()) {
                throw bad(prefix, SlurmBackendFactory.EXPORT, "'" + name + "' is not an environment variable name"
                        + " (a comma list of names, or ALL)");
            }
            out.add(name);
        }
        return out;
    }

    private static <T extends Enum<T>> T choice(Environment env, String prefix, String key, Class<T> type, T dflt) {
        Optional<String> v = env.setting(key);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Enum.valueOf(type, v.get().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (T t : type.getEnumConstants()) {
                names.add(t.name().toLowerCase(Locale.ROOT));
            }
            throw bad(prefix, key, "'" + v.get().trim() + "' is not one of " + String.join(", ", names));
        }
    }

    private static IllegalArgumentException bad(String prefix, String key, String problem) {
        return new IllegalArgumentException(prefix + key + ": " + problem);
    }
}
