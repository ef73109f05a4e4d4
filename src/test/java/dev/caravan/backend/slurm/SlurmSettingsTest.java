package dev.caravan.backend.slurm;

import dev.caravan.camel.Backends;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.settings.ConfigException;
import dev.caravan.model.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code slurm} kind's settings: defaults, and a message naming the full key for every mistake. */
class SlurmSettingsTest {

    private static final String P = "caravan.env.hpc.";

    @TempDir
    Path dir;

    private static Environment env(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("command", "./run.sh {params.sample}");
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove(kv[i]);
            } else {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return new Environment("hpc", "slurm", 8, 10, m);
    }

    private static void rejected(Environment env, String key, String fragment) {
        assertThatThrownBy(() -> new SlurmBackendFactory().validate(env))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(P + key))
                .hasMessageContaining(fragment);
    }

    @Test
    void theKindIsFoundOnTheClassPath() {
        assertThat(Backends.factories()).containsKey("slurm");
        assertThat(Backends.factories().get("slurm").defaultSubmitRate()).isZero();
    }

    @Test
    void defaults() {
        SlurmSettings s = SlurmSettings.of(env());
        assertThat(s.slurmBin()).isEmpty();
        assertThat(s.slurmConf()).isEmpty();
        assertThat(s.workDir()).isEmpty();
        assertThat(s.defaults()).isEqualTo(Resources.NONE);
        assertThat(s.export()).isEmpty();
        assertThat(s.queueFormat()).isEqualTo(SlurmSettings.QueueFormat.AUTO);
        assertThat(s.accounting()).isEqualTo(SlurmSettings.Accounting.AUTO);
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void resourcesBecomeSbatchOptions() {
        SlurmSettings s = SlurmSettings.of(env("partition", "debug,short", "account", "lab-1", "qos", "normal",
                "time", "1-02:30:00", "cpus", "4", "mem", "16G", "gres", "gpu:a100:1",
                "sbatch-options", "--exclusive  --constraint=skylake -N1"));
        assertThat(s.defaults().args()).containsExactly("--partition=debug,short", "--account=lab-1", "--qos=normal",
                "--time=1-02:30:00", "--cpus-per-task=4", "--mem=16G", "--gres=gpu:a100:1", "--exclusive",
                "--constraint=skylake", "-N1");
        Resources job = Resources.read(Map.of("time", "10", "cpus", 2, "sbatch-options", List.of("--nice=5")),
                (field, problem) -> new IllegalArgumentException(field + ": " + problem));
        assertThat(job.over(s.defaults()).args()).containsExactly("--partition=debug,short", "--account=lab-1",
                "--qos=normal", "--time=10", "--cpus-per-task=2", "--mem=16G", "--gres=gpu:a100:1", "--exclusive",
                "--constraint=skylake", "-N1", "--nice=5");
    }

    @Test
    void everyMistakeNamesItsKey() throws Exception {
        rejected(env("command", null), "command", "is required");
        rejected(env("command", "run {sample}"), "command", "unknown placeholder {sample}");
        rejected(env("partition", "debug short"), "partition", "'debug short' is not partition names");
        rejected(env("time", "an hour"), "time", "is not a time limit as sbatch takes it");
        rejected(env("cpus", "0"), "cpus", "is not a whole number of CPUs per task");
        rejected(env("mem", "16 GB"), "mem", "is not a memory size");
        rejected(env("gres", "gpu 2"), "gres", "is not generic resources");
        rejected(env("sbatch-options", "--exclusive skylake"), "sbatch-options", "'skylake' is not an option");
        rejected(env("sbatch-options", "--output=/tmp/x"), "sbatch-options", "'--output' is set by Caravan itself");
        rejected(env("sbatch-options", "-pdebug"), "sbatch-options", "'-p' is set by Caravan itself");
        rejected(env("sbatch-options", "--depend=afterok:1"), "sbatch-options", "'--depend' is set by Caravan itself");
        rejected(env("export", "PATH,MY-VAR"), "export", "'MY-VAR' is not an environment variable name");
        rejected(env("squeue-output", "yaml"), "squeue-output", "'yaml' is not one of auto, json, text");
        rejected(env("accounting", "yes"), "accounting", "'yes' is not one of auto, slurmdbd, jobcomp, none");
        rejected(env("command-timeout", "soon"), "command-timeout", "is not a duration");
        rejected(env("command-timeout", "500ms"), "command-timeout", "must be at least 1s");
        rejected(env("slurm-bin", dir.toString()), "slurm-bin", "holds no executable sbatch");
        rejected(env("slurm-conf", dir.resolve("nope.conf").toString()), "slurm-conf", "is not a readable file");
        Path sbatch = Files.writeString(dir.resolve("sbatch"), "#!/bin/sh\n");
        sbatch.toFile().setExecutable(true);
        assertThat(SlurmSettings.of(env("slurm-bin", dir.toString())).slurmBin()).contains(dir);
    }

    @Test
    void anUnknownKeyStopsStartUpNamingIt() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(P + "backend", "slurm");
        props.put(P + "command", "true");
        props.put(P + "partitions", "debug");
        assertThatThrownBy(() -> CaravanSettings.read(new TreeSet<>(props.keySet()),
                k -> Optional.ofNullable(props.get(k)), Backends.factories()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(P + "partitions").hasMessageContaining("partition");
        props.remove(P + "partitions");
        props.put(P + "time", "forever");
        assertThatThrownBy(() -> CaravanSettings.read(new TreeSet<>(props.keySet()),
                k -> Optional.ofNullable(props.get(k)), Backends.factories()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(P + "time"));
    }
}
