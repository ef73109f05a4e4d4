package dev.caravan.backend.slurm;

import dev.caravan.backend.local.CommandTemplate;
import dev.caravan.model.Environment;
import dev.caravan.settings.ConfigException;
import dev.caravan.settings.SettingsReader;

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
 * The settings of one {@code slurm} environment, checked at start. Every problem is a {@link ConfigException}
 * naming the full key.
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
        SettingsReader k = SettingsReader.of(env);
        String template = k.required(SlurmBackendFactory.COMMAND, "is required: the shell command each Slurm job runs,"
                + " with the local backend's placeholders (e.g. ./run.sh {params.sample})");
        CommandTemplate command = CommandTemplate.parse(template, k.key(SlurmBackendFactory.COMMAND));
        Optional<Path> bin = k.optional(SlurmBackendFactory.SLURM_BIN).map(Path::of);
        if (bin.isPresent() && !Files.isExecutable(bin.get().resolve("sbatch"))) {
            throw k.bad(SlurmBackendFactory.SLURM_BIN, "'" + bin.get() + "' holds no executable sbatch"
                    + " (the folder with Slurm's sbatch, squeue, sacct, scancel and scontrol)");
        }
        Optional<Path> conf = k.optional(SlurmBackendFactory.SLURM_CONF).map(Path::of);
        if (conf.isPresent() && !Files.isReadable(conf.get())) {
            throw k.bad(SlurmBackendFactory.SLURM_CONF, "'" + conf.get() + "' is not a readable file");
        }
        Optional<Path> workDir = k.optional(SlurmBackendFactory.WORK_DIR).map(v -> Path.of(v).toAbsolutePath());
        Map<String, String> fields = new LinkedHashMap<>();
        for (String f : Resources.FIELDS) {
            k.optional(f).ifPresent(v -> fields.put(f, v));
        }
        Resources defaults = Resources.read(fields, k::bad);
        Duration timeout = k.duration(SlurmBackendFactory.COMMAND_TIMEOUT, DEFAULT_COMMAND_TIMEOUT.toSeconds() + "s",
                SettingsReader.Bound.POSITIVE);
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw k.bad(SlurmBackendFactory.COMMAND_TIMEOUT, "must be at least 1s: Slurm's clients wait"
                    + " for slurmctld themselves (MessageTimeout)");
        }
        return new SlurmSettings(env.name(), command, bin, conf, workDir, defaults, export(k),
                choice(k, SlurmBackendFactory.SQUEUE_OUTPUT, QueueFormat.class, QueueFormat.AUTO),
                choice(k, SlurmBackendFactory.ACCOUNTING, Accounting.class, Accounting.AUTO), timeout);
    }

    private static List<String> export(SettingsReader k) {
        List<String> out = new ArrayList<>();
        for (String name : k.list(SlurmBackendFactory.EXPORT)) {
            if (!name.equals("ALL") && !VARIABLE.matcher(name).matches()) {
                throw k.bad(SlurmBackendFactory.EXPORT, "'" + name + "' is not an environment variable name"
                        + " (a comma list of names, or ALL)");
            }
            out.add(name);
        }
        return out;
    }

    private static <T extends Enum<T>> T choice(SettingsReader k, String key, Class<T> type, T dflt) {
        Map<String, T> choices = new LinkedHashMap<>();
        for (T t : type.getEnumConstants()) {
            choices.put(t.name().toLowerCase(Locale.ROOT), t);
        }
        return k.oneOf(key, dflt, choices, "one of " + String.join(", ", choices.keySet()));
    }
}
