package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.DaemonProcesses;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.LockProbe;
import dev.caravan.testkit.Poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-shot command as cron or an operator runs it, in a process of its own: stdout is the answer alone, the log
 * goes to stderr with warnings and errors only (INFO with --verbose), and a held lock is said before Camel starts.
 */
@FlowTest
class CommandOutputTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    @Test
    void importPrintsItsOneLineAndLogsNothingBelowWarn() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 1);
        fx.slack.close();
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), fx.settings("local1", 1));
        Path csv = Files.writeString(dir.resolve("rows.csv"), "sample\nS1\nS2\n");

        Run r = caravan("import", "--group", "BOCA-UK", "--batch", "b1", "--from", csv.toString(), "--config", config.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("imported 2 jobs into BOCA-UK/b1 (backlog)\n");
        assertThat(r.err()).doesNotContain(" INFO ");

        Run verbose = caravan("import", "--group", "BOCA-UK", "--batch", "b2", "--from", csv.toString(), "--config",
                config.toString(), "--verbose");
        assertThat(verbose.code()).as(verbose.err()).isZero();
        assertThat(verbose.out()).isEqualTo("imported 2 jobs into BOCA-UK/b2 (backlog)\n");
        assertThat(verbose.err()).contains(" INFO ").contains("Apache Camel");
    }

    @Test
    void aHeldLockIsSaidBeforeCamelStarts() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 1);
        fx.slack.close();
        Map<String, String> s = fx.settings("local1", 1);
        s.put("caravan.triggers.enabled", "true");
        s.put("caravan.cycle.cron", "0 0 0 1 1 ? 2099");
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
        try (DaemonProcesses daemons = new DaemonProcesses()) {
            daemons.start(config, dir.resolve("daemon.log"), Map.of());
            Path lock = fx.tracking().resolve(".git/caravan/cycle");
            Poll.until("the daemon process is leader", java.time.Duration.ofSeconds(60),
                    () -> lock.toFile().exists() && LockProbe.heldElsewhere(lock));
            Run r = caravan("cycle", "--once", "--config", config.toString(), "--verbose");
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).contains("holds the cycle lock").doesNotContain("Apache Camel");
        }
    }

    private Run caravan(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.caravan.cli.Caravan"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("caravan " + String.join(" ", args) + " did not end in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
