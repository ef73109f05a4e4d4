package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.DaemonProcesses;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import dev.caravan.tracking.CycleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16.1: the Git lock files a SIGKILL leaves ({@code index.lock}, {@code refs/heads/scheduler.lock}) are older
 * than the daemon's start; holding the cycle lock, the daemon removes them with a WARNING naming each and goes on.
 */
@FlowTest
class StaleGitLockTest {

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness daemon;
    private final DaemonProcesses processes = new DaemonProcesses();

    @AfterEach
    void stop() throws Exception {
        processes.close();
        if (daemon != null) {
            daemon.close();
        }
        fx.slack.close();
    }

    private static void leftByACrash(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
    }

    @Test
    void locksOlderThanTheDaemonAreRemovedAndCyclesCommitAgain() throws Exception {
        fx = new FlowFixture(dir, 3);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 3));
        Path git = fx.tracking().resolve(".git");
        Path index = git.resolve("index.lock");
        Path ref = git.resolve("refs/heads/scheduler.lock");
        leftByACrash(index);
        leftByACrash(ref);
        try (CycleLock held = CycleLock.tryAcquire(fx.tracking()).orElseThrow()) {
            Poll.until("every job completed and pushed", Duration.ofSeconds(40), () -> {
                daemon.cycle();
                try {
                    return FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")
                            .split("completed/job\\.000\\d/params.json", -1).length == 4;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        assertThat(index).doesNotExist();
        assertThat(ref).doesNotExist();
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003");
        Poll.until("the warnings", Duration.ofSeconds(10), () -> fx.slack.anyContains("scheduler.lock"));
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("removed the stale Git lock")).singleElement()
                .satisfies(t -> assertThat(t).contains("WARNING").contains(index.toString()).contains(ref.toString()));
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("CRITICAL"));
    }

    /**
     * A remote on this machine's disk is pushed to in-process: a SIGKILL mid-push (seen in the fault suite) left
     * {@code remote.git/refs/heads/scheduler.lock}, and every later push was rejected "failed to lock", a CRITICAL
     * each cycle. The scheduler branch's lock is the scheduler's own; an operator's ({@code main.lock}) is not.
     */
    @Test
    void theSchedulerBranchLockInARemoteOnThisDiskIsRemovedButNotAnOperators() throws Exception {
        fx = new FlowFixture(dir, 2);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 2));
        Path ref = fx.remote.resolve("refs/heads/scheduler.lock");
        Path operators = fx.remote.resolve("refs/heads/main.lock");
        leftByACrash(ref);
        leftByACrash(operators);
        try (CycleLock held = CycleLock.tryAcquire(fx.tracking()).orElseThrow()) {
            Poll.until("every job completed and pushed", Duration.ofSeconds(40), () -> {
                daemon.cycle();
                try {
                    return FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")
                            .split("completed/job\\.000\\d/params.json", -1).length == 3;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        assertThat(ref).doesNotExist();
        assertThat(operators).exists();
        Poll.until("the warning", Duration.ofSeconds(10), () -> fx.slack.anyContains("removed the stale Git lock"));
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("removed the stale Git lock")).singleElement()
                .satisfies(t -> assertThat(t).contains("WARNING").contains(ref.toString()));
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("CRITICAL"));
    }

    @Test
    void withoutTheCycleLockAGitLockIsLeftAlone() throws Exception {
        fx = new FlowFixture(dir, 1);
        daemon = DaemonHarness.start(dir, fx.settings("local1", 1));
        Path index = fx.tracking().resolve(".git/index.lock");
        leftByACrash(index);
        daemon.cycle();
        // another process may be mid-write: this one does not know, so it touches nothing
        assertThat(index).exists();
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("removed the stale Git lock"));
    }

    /**
     * Issue 16 (seen in {@code bench/faults/run 20}): a standby started before the leader was SIGKILLed takes over, but
     * the killed leader's {@code index.lock} and {@code scheduler.lock} are younger than the standby's own start, so
     * the old rule (older than this process's start) left them, and the new leader's commits waited on them until the
     * next restart. The cycle lock is exclusive: a Git lock older than the moment the standby took it is the dead
     * leader's. Here the locks are dated between the standby's start and the kill, as the leader's would be.
     */
    @Test
    void aStandbyThatTakesOverRemovesTheKilledLeadersLocksAndCommitsWithoutARestart() throws Exception {
        int jobs = 200; // work left for the new leader whatever the load: 2 at a time, half a second each
        fx = new FlowFixture(dir, jobs);
        Map<String, String> s = fx.settings("local1", 2);
        s.put("caravan.env.local1.command", "echo {job_id} >> " + fx.runsLog + " && sleep 0.5");
        s.put("caravan.triggers.enabled", "true");
        s.put("caravan.cycle.cron", "0/1 * * * * ?");
        s.put("camel.main.routes-reload-enabled", "false");
        s.put("camel.server.host", "127.0.0.1");
        s.put("caravan.standby.refresh-interval", "200ms");
        Path config = DaemonHarness.writeConfig(dir.resolve("daemon.properties"), s);
        Path leaderLog = dir.resolve("leader.log");
        Path standbyLog = dir.resolve("standby.log");
        Process leader = processes.start(config, leaderLog, Map.of());
        Poll.until("the leader's first cycle", Duration.ofSeconds(90),
                () -> read(leaderLog).contains("Cycle done") || !leader.isAlive());
        Process standby = processes.start(config, standbyLog, Map.of());
        Poll.until("the second daemon standing by", Duration.ofSeconds(90),
                () -> read(standbyLog).contains("Standby since") || !standby.isAlive());
        assertThat(leader.isAlive()).as("the leader; log: " + leaderLog).isTrue();
        assertThat(standby.isAlive()).as("the standby; log: " + standbyLog).isTrue();
        // after the standby opened the clone (it said so above), before the kill: as the leader's own locks would be
        Instant madeAt = Instant.now();
        leader.destroyForcibly().waitFor();
        Path git = fx.tracking().resolve(".git");
        Path index = git.resolve("index.lock");
        Path ref = git.resolve("refs/heads/scheduler.lock");
        for (Path lock : new Path[] {index, ref}) {
            Files.writeString(lock, "");
            Files.setLastModifiedTime(lock, FileTime.from(madeAt));
        }
        int atKill = completedOnRemote();
        assertThat(atKill).as("work left for the new leader").isLessThan(jobs - 20);

        // the old rule: every commit waited on index.lock (a CRITICAL after a minute), nothing more was pushed
        Poll.until("the new leader commits and pushes more completed jobs", Duration.ofSeconds(60),
                () -> !standby.isAlive() || completedOnRemote() >= atKill + 4);
        assertThat(standby.isAlive()).as("the new leader, never restarted; log: " + standbyLog).isTrue();
        assertThat(read(standbyLog)).contains("Leader of the tracking repo");
        assertThat(index).doesNotExist();
        assertThat(ref).doesNotExist();
        assertThat(fx.runs()).doesNotHaveDuplicates();
        Poll.until("the warning", Duration.ofSeconds(10), () -> fx.slack.anyContains("removed the stale Git lock"));
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("removed the stale Git lock")).singleElement()
                .satisfies(t -> assertThat(t).contains("WARNING").contains(index.toString()).contains(ref.toString()));
    }

    /** Jobs in completed/ on the remote's scheduler branch. */
    private int completedOnRemote() {
        try {
            return FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler")
                    .split("completed/job\\.\\d{4}/params.json", -1).length - 1;
        } catch (Exception e) {
            return 0;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
