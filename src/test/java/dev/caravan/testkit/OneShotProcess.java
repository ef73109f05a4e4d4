package dev.caravan.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan cycle --once} in a JVM of its own, as an operator's cron runs it (on the test classpath): what a
 * process shows that an in-process run cannot (its exit, its stderr, the programs it starts).
 */
public final class OneShotProcess {

    private OneShotProcess() {
    }

    /**
     * Runs it on {@code config} with {@code extra} arguments and {@code env} added to the environment, its output
     * (stdout and stderr) into {@code log}; asserts that it ended within two minutes with status 0 and returns the
     * output.
     */
    public static String cycleOnce(Path config, Path log, Map<String, String> env, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.caravan.cli.Caravan", "cycle", "--once",
                "--config", config.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(ended).as("cycle --once ended; log:\n%s", out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
