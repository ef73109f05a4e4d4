package dev.caravan.it;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.DaemonProcesses;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.FlowTest;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;
import org.eclipse.jgit.api.Git;
import dev.caravan.it.FaultTable.Row;
import dev.caravan.it.FaultTable.Tally;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16's fault suite: real daemon processes ({@code caravan run}) on the local backend, a cycle every second,
 * jobs flowing, and a ledger of every execution ({@code runs.log}, one line per start of a job's command). Faults
 * are injected one after another on the same flow: SIGKILL at random moments, SIGKILL with a stale Git lock left
 * behind, SIGKILL of the leader of two daemons, the remote gone, an operator pushing to main beside every cycle, and
 * Slack down. After each, the tracking clone's HEAD must hold every job in exactly one state folder; at the end every
 * job ran exactly once and {@code git fsck} is clean on the clone and the remote. A second flow puts a daemon on a WES
 * environment whose submissions meet 5xx, 429, lost and late answers ({@link WesSubmitFaults}). Prints one table (also
 * written to {@code target/faults.md}).
 *
 * <p>Short form (CI, the default): {@code faults.trials=15} SIGKILLs and each WES fault once, a few minutes. Long
 * form: {@code bench/faults/run} (100 trials, 200 jobs, the remote gone for 30 s, each WES fault {@code trials / 20}
 * times, {@code faults.wes-rounds}).
 */
@FlowTest
@Tag("faults")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {

    private static final int TRIALS = Integer.getInteger("faults.trials", 15);
    private static final int JOBS = Integer.getInteger("faults.jobs", Math.max(60, 6 * TRIALS));
    private static final int REMOTE_GONE_S = Integer.getInteger("faults.remote-gone-seconds", 5);
    /** Rounds of the WES submit faults (each fault once per round). */
    private static final int WES_ROUNDS = Integer.getInteger("faults.wes-rounds", Math.max(1, TRIALS / 20));
    private static final FaultTable TABLE = new FaultTable();

    @TempDir
    Path dir;

    private final DaemonProcesses daemons = new DaemonProcesses();
    private final Random random = new Random(Long.getLong("faults.seed", 16L));
    private final List<Row> rows = new ArrayList<>();
    private FlowFixture fx;
    private Path config;
    private int logs;

    /** The table of every flow that ran, printed and written to {@code target/faults.md}. */
    @AfterAll
    static void table() throws IOException {
        String table = TABLE.render();
        System.out.println(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "faults.md"), table);
    }

    @AfterEach
    void stop() {
        daemons.close();
        if (fx != null) {
            fx.slack.close();
        }
    }

    @Test
    @Order(1)
    void noJobLostNoneRunTwiceNoWedge() throws Exception {
        fx = new FlowFixture(dir, JOBS);
        Map<String, String> s = fx.settings("local1", 4);
        s.put("caravan.env.local1.command", "echo {job_id} >> " + fx.runsLog + " && sleep 0.5");
        s.put("caravan.triggers.enabled", "true");
        s.put("caravan.cycle.cron", "0/1 * * * * ?");
        s.put("camel.main.routes-reload-enabled", "false");
        s.put("camel.server.host", "127.0.0.1");
        s.put("caravan.standby.refresh-interval", "1s");
        config = DaemonHarness.writeConfig(dir.resolve("daemon.properties"), s);

        Process p = start();
        p = sigkills(p, "SIGKILL at a random moment", TRIALS, false);
        p = sigkills(p, "SIGKILL leaving a stale Git lock", Math.max(2, TRIALS / 5), true);
        p = leaderOfTwo(p, Math.max(2, TRIALS / 5));
        remoteGone(p);
        operatorRace(p);
        slackDown(p);
        Poll.until("every job finished", Duration.ofSeconds(300), () -> fx.jobsIn("completed").size() == JOBS);
        p.destroy();
        p.waitFor();

        List<String> ran = fx.runs();
        long twice = ran.size() - ran.stream().distinct().count();
        String fsck = FlowFixture.git(fx.tracking(), "fsck", "--no-progress") + FlowFixture.git(fx.remote, "fsck", "--no-progress");
        long lost = FaultTable.lost(fx.remote, "scheduler", JOBS);
        TABLE.end("local flow", rows, lost, twice, fsck, JOBS + " jobs, " + ran.stream().distinct().count()
                + " distinct runs in the ledger");

        assertThat(rows).allSatisfy(r -> {
            assertThat(r.lost()).as(r.fault() + ": jobs lost").isZero();
            assertThat(r.twice()).as(r.fault() + ": jobs run twice").isZero();
            assertThat(r.wedges()).as(r.fault() + ": wedges").isZero();
        });
        assertThat(twice).as("jobs run twice").isZero();
        assertThat(lost).as("jobs lost").isZero();
        assertThat(ran).hasSize(JOBS);
        assertThat(fsck).doesNotContain("error").doesNotContain("missing").doesNotContain("broken");
    }

    /** A WES answering 5xx, 429, late or not at all to submissions: see {@link WesSubmitFaults}. */
    @Test
    @Order(2)
    void aFaultyWesMakesNoSecondRunAndLosesNoJob() throws Exception {
        new WesSubmitFaults(dir, WES_ROUNDS, TABLE).run();
    }

    // --- the faults -----------------------------------------------------------------------------------

    private Process sigkills(Process p, String name, int trials, boolean plantLock) throws Exception {
        Tally t = new Tally();
        for (int i = 0; i < trials; i++) {
            FaultTrial trial = trial(t);
            pause(random.nextInt(2000));
            p.destroyForcibly().waitFor();
            if (plantLock) {
                // as a kill in the middle of a commit leaves them
                old(fx.tracking().resolve(".git/index.lock"));
                old(fx.tracking().resolve(".git/refs/heads/scheduler.lock"));
            }
            Instant restart = Instant.now();
            p = start();
            Path log = logOf(p);
            trial.awaitRecovery("a cycle after the restart", p, restart, () -> count(log, "Cycle done") > 0,
                    () -> 1 + count(log, "Cycle stopped"));
            trial.end();
        }
        add(name, t);
        return p;
    }

    private Process leaderOfTwo(Process first, int trials) throws Exception {
        Tally t = new Tally();
        Process leader = first;
        Process standby = start();
        for (int i = 0; i < trials; i++) {
            FaultTrial trial = trial(t);
            pause(1000 + random.nextInt(2000));
            Path standbyLog = logOf(standby);
            int before = count(standbyLog, "Cycle done");
            leader.destroyForcibly().waitFor();
            Instant killed = Instant.now();
            trial.awaitRecovery("the standby takes over", standby, killed, () -> count(standbyLog, "Cycle done") > before,
                    () -> 1 + count(standbyLog, "Cycle stopped"));
            leader = standby;
            standby = start();
            trial.end();
        }
        standby.destroyForcibly().waitFor();
        add("SIGKILL of the leader of two", t);
        return leader;
    }

    private void remoteGone(Process p) throws Exception {
        Tally t = new Tally();
        FaultTrial trial = trial(t);
        Path away = dir.resolve("remote-away.git");
        Files.move(fx.remote, away);
        Path log = logOf(p);
        int cycles = count(log, "Cycle done");
        Instant gone = Instant.now();
        Poll.until("cycles go on without the remote", Duration.ofSeconds(REMOTE_GONE_S + 30),
                () -> Duration.between(gone, Instant.now()).toSeconds() >= REMOTE_GONE_S && count(log, "Cycle done") > cycles + 2);
        Files.move(away, fx.remote);
        trial.awaitRecovery("the push resumes", p, Instant.now(), this::headPushed, () -> 1);
        trial.end();
        add("remote gone " + REMOTE_GONE_S + " s", t);
    }

    private void operatorRace(Process p) throws Exception {
        Tally t = new Tally();
        FaultTrial trial = trial(t);
        Path log = logOf(p);
        int cycles = count(log, "Cycle done");
        Path opDir = dir.resolve("operator");
        int pushes = 0;
        try (Git op = GitFixtures.operatorClone(fx.remote, opDir)) {
            Instant end = Instant.now().plusSeconds(10);
            while (Instant.now().isBefore(end)) {
                // as the ICGC README tells operators: take in the scheduler branch, edit, push main
                GitFixtures.mergeScheduler(op);
                Files.writeString(opDir.resolve("NOTES.md"), "edit " + pushes + "\n");
                try {
                    GitFixtures.commitAllAndPush(op, "operator edit " + pushes);
                    pushes++;
                } catch (Exception raced) {
                    op.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef("origin/main").call();
                }
            }
            // then what the held-back WARNING says: merge the scheduler branch and push main, until the edit is in
            String last = "edit " + (pushes - 1) + "\n";
            trial.awaitRecovery("the last edit merged", p, Instant.now(), () -> {
                if (last.equals(read(fx.tracking().resolve("NOTES.md")))) {
                    return true;
                }
                try {
                    GitFixtures.mergeScheduler(op);
                    op.push().setRemote("origin").setRefSpecs(new org.eclipse.jgit.transport.RefSpec("main:main")).call();
                } catch (Exception raced) {
                    // the next round tries again
                }
                return false;
            }, () -> 1);
        }
        assertThat(count(log, "Cycle done")).as("cycles went on during the race").isGreaterThan(cycles);
        trial.end(pushes);
        add("operator push racing every cycle", t);
    }

    private void slackDown(Process p) throws Exception {
        Tally t = new Tally();
        FaultTrial trial = trial(t);
        Path log = logOf(p);
        int cycles = count(log, "Cycle done");
        fx.slack.failNext(1_000);
        Poll.until("cycles go on with Slack down", Duration.ofSeconds(30), () -> count(log, "Cycle done") > cycles + 3);
        fx.slack.failNext(0);
        int posts = fx.slack.posts().size();
        trial.awaitRecovery("posts arrive again", p, Instant.now(),
                () -> fx.slack.posts().size() > posts || fx.jobsIn("backlog").isEmpty(), () -> 1);
        trial.endWithoutAlerts(1);
        add("Slack down", t);
    }

    // --- measuring --------------------------------------------------------------------------------------

    private Process start() throws IOException {
        Path log = dir.resolve("daemon-" + (++logs) + ".log");
        Process p = daemons.start(config, log, Map.of());
        logsOf.put(p, log);
        return p;
    }

    private final Map<Process, Path> logsOf = new HashMap<>();

    private Path logOf(Process p) {
        return logsOf.get(p);
    }

    private FaultTrial trial(Tally t) {
        return new FaultTrial(fx, JOBS, t);
    }

    private void add(String name, Tally t) {
        rows.add(TABLE.add(name, t));
    }

    private boolean headPushed() {
        try {
            return FlowFixture.git(fx.remote, "rev-parse", "scheduler").equals(FlowFixture.git(fx.tracking(), "rev-parse", "HEAD"));
        } catch (Exception e) {
            return false;
        }
    }

    private static int count(Path log, String what) {
        String text = read(log);
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void old(Path lock) throws IOException {
        Files.writeString(lock, "");
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(600)));
    }

    /** A fault's random moment (not synchronisation: the suite waits for conditions with Poll). */
    private static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

}
