package dev.caravan.backend.slurm;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;

import java.util.LinkedHashSet;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code slurm} kind: jobs run on an existing Slurm cluster through its command-line clients. Its settings are
 * the command template, where the clients are, and the resources every job gets unless its params say otherwise.
 */
public final class SlurmBackendFactory implements BackendFactory {

    public static final String KIND = "slurm";
    public static final String COMMAND = "command";
    public static final String SLURM_BIN = "slurm-bin";
    public static final String SLURM_CONF = "slurm-conf";
    public static final String WORK_DIR = "work-dir";
    public static final String EXPORT = "export";
    public static final String SQUEUE_OUTPUT = "squeue-output";
    public static final String ACCOUNTING = "accounting";
    public static final String COMMAND_TIMEOUT = "command-timeout";

    /** one squeue/sacct call per round; slurmctld asks clients not to poll more than every few seconds. */
    @Override
    public Duration defaultPollInterval() {
        return Duration.ofSeconds(10);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> settingKeys() {
        Set<String> keys = new LinkedHashSet<>(Set.of(COMMAND, SLURM_BIN, SLURM_CONF, WORK_DIR, EXPORT, SQUEUE_OUTPUT,
                ACCOUNTING, COMMAND_TIMEOUT));
        keys.addAll(Resources.FIELDS);
        return keys;
    }

    @Override
    public void validate(Environment env) {
        SlurmSettings.of(env);
    }

    @Override
    public Backend create(Environment env, BackendContext context) {
        return new SlurmBackend(SlurmSettings.of(env), context);
    }
}
