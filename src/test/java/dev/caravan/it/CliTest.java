package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.LockProbe;
import dev.caravan.testkit.Poll;

import dev.caravan.cli.Caravan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: one-shot cycles under the daemons' lock, and start-up refusing bad settings. */
@FlowTest
class CliTest {

    @TempDir
    Path dir;

    private DaemonHarness daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result caravan(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Caravan.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void cycleOnceRunsOneCycleAndCommits() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 3);
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), fx.settings("local1", 2));
        Result r = caravan("cycle", "--once", "--config", config.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001", "job.0002");
        assertThat(FlowFixture.git(fx.remote, "log", "--format=%s", "scheduler")).contains("[scheduler] update job status");
        fx.slack.close();
    }

    @Test
    void cycleOnceRefusesWhileADaemonHoldsTheLock() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 3);
        Map<String, String> s = fx.settings("local1", 2);
        s.put("caravan.triggers.enabled", "true");
        s.put("caravan.cycle.cron", "0 0 0 1 1 ? 2099"); // leader, but never fires
        s.put("caravan.cycle.on-run-end", "false"); // and no run's end starts a cycle: the tree stands still
        daemon = DaemonHarness.start(dir, s);
        Path lock = fx.tracking().resolve(".git/caravan/cycle");
        Poll.until("daemon became leader", java.time.Duration.ofSeconds(20), () -> lock.toFile().exists()
                && daemon.context().getRoute("cycle-trigger") != null
                && daemon.context().getRouteController().getRouteStatus("cycle-trigger").isStarted()
                && dev.caravan.testkit.LockProbe.heldElsewhere(lock));
        // the leader runs its first cycle at once (2 slots), then nothing until 2099
        Poll.until("the leader's first cycle", java.time.Duration.ofSeconds(20), () -> daemon.engine().lastCycleEnd().isPresent());
        assertThat(fx.jobsIn("queued")).hasSize(2);
        String head = FlowFixture.git(fx.tracking(), "rev-parse", "HEAD");
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), fx.settings("local1", 3));
        Result r = caravan("cycle", "--once", "--config", config.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("another Caravan process holds the cycle lock").contains(lock.toString());
        assertThat(fx.jobsIn("queued")).containsExactly("job.0001", "job.0002");
        assertThat(fx.jobsIn("backlog")).containsExactly("job.0003");
        assertThat(FlowFixture.git(fx.tracking(), "rev-parse", "HEAD")).isEqualTo(head);
        fx.slack.close();
    }

    @Test
    void unknownSettingStopsStartUpNamingTheKey() throws Exception {
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.tracking.push-intervall", "3h");
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
        Result r = caravan("cycle", "--once", "--config", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("caravan.tracking.push-intervall").contains("unknown setting");
    }

    @Test
    void badValuesStopStartUpNamingTheKey() throws Exception {
        String[][] cases = {
                {"caravan.env.e1.max-parallel-runs", "many", "not a whole number"},
                {"caravan.env.e1.backend", "mainframe", "unknown backend 'mainframe'"},
                {"caravan.env.e1.colour", "blue", "unknown setting for a local environment"},
                {"caravan.cycle.cron", "every minute", "not a Quartz cron expression"},
                {"caravan.tracking.push-interval", "soon", "not a duration"},
                {"caravan.env.e1.excessive-failure-threshold", "-1", "must be at least 0"},
                {"caravan.tracking.branch", "main", "must differ from caravan.tracking.admin-branch"},
        };
        for (String[] c : cases) {
            Map<String, String> s = DaemonHarness.base(dir);
            s.put("caravan.env.e1.backend", "local");
            s.put("caravan.env.e1.command", "true");
            s.put(c[0], c[1]);
            Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
            Result r = caravan("cycle", "--once", "--config", config.toString());
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains("setting " + c[0]).contains(c[2]);
        }
        assertThat(dir.resolve("tracking")).doesNotExist();
    }

    @Test
    void anUnsetEnvironmentVariableIsNamed() throws Exception {
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.env.e1.backend", "local");
        s.put("caravan.env.e1.command", "{{env:CARAVAN_TEST_SURELY_UNSET_VAR}}");
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
        Result r = caravan("cycle", "--once", "--config", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("setting caravan.env.e1.command")
                .contains("the environment variable CARAVAN_TEST_SURELY_UNSET_VAR is not set");
    }

    @Test
    void usageErrorsAndHelp() {
        assertThat(caravan("cycle").code()).isEqualTo(2);
        assertThat(caravan("cycle").err()).contains("cycle needs --once");
        assertThat(caravan("frobnicate").err()).contains("unknown command 'frobnicate'");
        assertThat(caravan("report", "--colour").code()).isEqualTo(2);
        Result help = caravan("import", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--unique-key");
        assertThat(caravan("cycle", "--help").out()).contains("cron");
        assertThat(caravan("help").out()).contains("commands:");
    }
}
