package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.DaemonProcesses;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import dev.caravan.model.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cycles on events: a daemon with its triggers on and the cron set to once a year, so every cycle after the first
 * one is requested by an event (a run's end, an intake, a fetch that saw an operator's push).
 */
@FlowTest
class CycleEventsTest {

    static final String YEARLY = "0 0 0 1 1 ?";

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (fx != null) {
            fx.slack.close();
        }
    }

    static Map<String, String> withEvents(Map<String, String> p) {
        p.put("caravan.triggers.enabled", "true");
        p.put("caravan.cycle.cron", YEARLY);
        return p;
    }

    private long inState(State s) {
        return daemon.engine().inspect(t -> t.index().inState(s).size());
    }

    @Test
    void aJobsEndReleasesTheNextWithoutACronTick() throws Exception {
        fx = new FlowFixture(dir, 5);
        daemon = DaemonHarness.start(dir, withEvents(fx.settings("local1", 1)));

        // one slot, five jobs: only the first is released by the leader's first cycle, the others by the ends
        Poll.until("every job completed", Duration.ofSeconds(30), () -> inState(State.COMPLETED) == 5);
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003", "job.0004", "job.0005");
        long[] counts = daemon.engine().cycleRequestCounts();
        assertThat(counts[1]).as("requested cycles started").isBetween(4L, 10L);
    }

    @Test
    void twoHundredEndsWithinASecondMakeAHandfulOfCycles() throws Exception {
        fx = new FlowFixture(dir, 200);
        Map<String, String> p = withEvents(fx.settings("local1", 200));
        // every job waits for a shared flock(1) on a gate the test holds, so the 200 ends come at once when it lets go
        Path gate = dir.resolve("gate");
        java.nio.file.Files.createFile(gate);
        Process holder = new ProcessBuilder("flock", gate.toString(), "cat").start();
        try {
            p.put("caravan.env.local1.command", "flock -s " + gate + " true && echo {job_id} >> " + fx.runsLog);
            daemon = DaemonHarness.start(dir, p);
            Poll.until("all 200 released", Duration.ofSeconds(120), () -> inState(State.QUEUED) == 200
                    && daemon.engine().lastCycleEnd().isPresent());
            long[] before = daemon.engine().cycleRequestCounts();
            long commitsBefore = commits();

            holder.getOutputStream().close(); // cat ends, the lock goes, every job ends
            untilCommitted("every job completed", Duration.ofSeconds(60), () -> inState(State.COMPLETED) == 200);
            long[] after = daemon.engine().cycleRequestCounts();
            long cycles = after[1] - before[1];
            assertThat(fx.runs()).hasSize(200);
            assertThat(after[0] - before[0]).as("cycle requests").isPositive();
            assertThat(cycles).as("cycles those ends made").isBetween(1L, 6L);
            assertThat(commits() - commitsBefore).as("one commit per cycle at most").isBetween(1L, cycles);
        } finally {
            holder.destroyForcibly();
        }
    }

    /**
     * Commits written behind requested cycles keep the shipped {@code caravan.tracking.commit-min-interval} between
     * them, however fast the cycles go (here 60 jobs that end at once, 4 at a time: a cycle every few tens of
     * milliseconds), and the last of them holds every job's move.
     */
    @Test
    void aBurstOfEndsMakesCommitsNoCloserThanTheInterval() throws Exception {
        int jobs = 60;
        fx = new FlowFixture(dir, jobs);
        daemon = DaemonHarness.start(dir, withEvents(fx.settings("local1", 4)));
        Duration interval = dev.caravan.settings.Durations.parse("caravan.tracking.commit-min-interval",
                daemon.context().resolvePropertyPlaceholders("{{caravan.tracking.commit-min-interval}}"));
        assertThat(interval).as("the shipped interval").isPositive();
        // when each commit was written, from the engine's follower of commits (every commit of the clone calls it)
        List<Long> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        daemon.engine().onCommit(paths -> written.add(System.nanoTime()));
        long commitsBefore = commitsUnchecked();
        long start = System.nanoTime();

        untilCommitted("every job completed", Duration.ofSeconds(120), () -> inState(State.COMPLETED) == jobs);
        double seconds = (System.nanoTime() - start) / 1e9;
        long cycles = daemon.engine().cycleRequestCounts()[1];
        assertThat(fx.runs()).hasSize(jobs);
        assertThat(FlowFixture.jobsIn(fx.tracking(), FlowFixture.GROUP, FlowFixture.BATCH, "completed"))
                .as("every move in a commit").hasSize(jobs);
        assertThat(FlowFixture.git(fx.tracking(), "ls-tree", "-r", "--name-only", "HEAD").lines()
                .filter(l -> l.contains("/completed/") && l.endsWith("/params.json"))).as("HEAD's completed jobs")
                .hasSize(jobs);

        for (int i = 1; i < written.size(); i++) {
            assertThat(written.get(i) - written.get(i - 1)).as("commits %d and %d, ns apart (%d cycles, %d commits)",
                    i - 1, i, cycles, written.size()).isGreaterThanOrEqualTo(interval.toNanos());
        }
        // the real repo: no more commits in the run, nor in any second of their commit times, than the interval allows
        long made = commitsUnchecked() - commitsBefore;
        assertThat(made).as("commits in %.1f s", seconds).isPositive()
                .isLessThanOrEqualTo((long) (seconds * 1e9 / interval.toNanos()) + 1);
        java.util.Map<String, Long> perSecond = FlowFixture.git(fx.tracking(), "log", "--format=%ct", "-n",
                Long.toString(made), "HEAD").lines().collect(java.util.stream.Collectors.groupingBy(t -> t,
                java.util.stream.Collectors.counting()));
        assertThat(perSecond.values()).as("commits per second of their commit time")
                .allMatch(n -> n <= Math.max(1, 1_000_000_000L / interval.toNanos()));
    }

    @Test
    void aRequestedCycleReleasesWhileTheLastCommitIsStillWritten() throws Exception {
        fx = new FlowFixture(dir, 3);
        Map<String, String> p = withEvents(fx.settings("local1", 1));
        // each job runs until the test lets it end (a file named after it appears)
        Path go = runUntilGo(p);
        daemon = DaemonHarness.start(dir, p);
        untilCommitted("job.0001 released", Duration.ofSeconds(30), () -> inState(State.QUEUED) == 1);
        long commitsBefore = commits();

        // as if a cycle's commit were being written (and slow): the clone is held until endCommit
        long held = daemon.engine().beginCommit();
        try {
            java.nio.file.Files.createFile(go.resolve("job.0001"));
            Poll.until("job.0001 moved and job.0002 released while the commit is held", Duration.ofSeconds(30),
                    () -> inState(State.COMPLETED) == 1 && inState(State.QUEUED) == 1
                            && daemon.engine().inspect(t -> t.index().inState(State.QUEUED).get(0).ref().jobId())
                            .equals("job.0002"));
            assertThat(commits()).as("nothing committed while the clone is held").isEqualTo(commitsBefore);
            assertThat(clean()).as("the moves wait for the commit").isFalse();
        } finally {
            daemon.engine().endCommit(held);
        }
        // the commit that waited behind the cycle takes its moves in, at once and in one commit
        Poll.until("the cycle's moves committed", Duration.ofSeconds(30), this::clean);
        assertThat(commits() - commitsBefore).as("commits of that cycle").isEqualTo(1);
        assertThat(FlowFixture.git(fx.tracking(), "ls-tree", "-r", "--name-only", "HEAD"))
                .contains("/completed/job.0001/params.json").contains("/queued/job.0002/params.json");

        java.nio.file.Files.createFile(go.resolve("job.0002"));
        java.nio.file.Files.createFile(go.resolve("job.0003"));
        untilCommitted("every job completed", Duration.ofSeconds(60), () -> inState(State.COMPLETED) == 3);
        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003");
    }

    /**
     * The cause of the commit failures that stopped cycles: another git process (here the test's own {@code git status},
     * for an operator their {@code git status} or {@code git diff} in the clone) holds {@code .git/index.lock} a moment
     * while camel-git commits, and JGit's commit does not wait for that lock, it fails. The commit waits for it instead,
     * and no CRITICAL is sent.
     */
    @Test
    void aCommitWaitsForTheIndexAnotherGitProcessHolds() throws Exception {
        fx = new FlowFixture(dir, 2);
        Map<String, String> p = withEvents(fx.settings("local1", 1));
        Path go = runUntilGo(p);
        try (dev.caravan.testkit.LogCapture log = dev.caravan.testkit.LogCapture.attach()) {
            daemon = DaemonHarness.start(dir, p);
            untilCommitted("job.0001 released", Duration.ofSeconds(30), () -> inState(State.QUEUED) == 1);
            long commitsBefore = commits();
            java.time.Instant before = daemon.engine().lastCycleEnd().orElseThrow();

            // an intake stages a job (the index is free) and requests a cycle; its commit waits behind the one held here
            long held = daemon.engine().beginCommit();
            Path lock = fx.tracking().resolve(".git/index.lock");
            try {
                daemon.engine().intake().add(new dev.caravan.engine.Addition(List.of(new dev.caravan.engine.NewJob(
                        new dev.caravan.model.JobRef(FlowFixture.GROUP, "b2", "x1"),
                        "{\"n\": 1, \"fail\": false}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))), Map.of(),
                        java.util.Optional.of("[test] x1 added while git holds the index")));
                Poll.until("the intake's cycle done, its commit waiting", Duration.ofSeconds(30),
                        () -> daemon.engine().lastCycleEnd().orElseThrow().isAfter(before)
                                && daemon.engine().cycleRequestCounts()[2] == 0);
                // then git refreshes the index: it writes the new one to index.lock, then renames it
                java.nio.file.Files.copy(fx.tracking().resolve(".git/index"), lock);
            } finally {
                daemon.engine().endCommit(held);
            }
            try {
                Poll.until("the commit waiting for the index", Duration.ofSeconds(30),
                        () -> log.all().contains("is locked by another process (index.lock): the commit waits for it"));
                assertThat(commits()).as("nothing committed while the index is locked").isEqualTo(commitsBefore);
                assertThat(daemon.engine().trackingProblem()).as("no failure while it waits").isEmpty();
            } finally {
                java.nio.file.Files.delete(lock); // the other process is done
            }
            Poll.until("the intake committed once the index is free", Duration.ofSeconds(30), () -> clean()
                    && commitsUnchecked() > commitsBefore);
            assertThat(FlowFixture.git(fx.tracking(), "log", "--format=%s")).contains("[test] x1 added while git holds the index");

            for (String job : List.of("job.0001", "job.0002", "x1")) {
                java.nio.file.Files.createFile(go.resolve(job));
            }
            untilCommitted("every job completed", Duration.ofSeconds(60), () -> inState(State.COMPLETED) == 3);
            assertThat(daemon.engine().trackingProblem()).isEmpty();
            assertThat(log.all()).doesNotContain("Cycle stopped");
            assertThat(fx.slack.texts()).noneMatch(t -> t.contains("cycle stopped"));
        }
    }

    /** Each job runs until the test lets it end: a file named after it appears in the folder this returns. */
    private Path runUntilGo(Map<String, String> p) throws java.io.IOException {
        Path go = java.nio.file.Files.createDirectories(dir.resolve("go"));
        p.put("caravan.env.local1.command", "while [ ! -e " + go + "/{job_id} ]; do sleep 0.05; done; echo {job_id} >> "
                + fx.runsLog);
        return go;
    }

    /** Until {@code state} holds and all is committed: a cycle has ended, none waits, and the clone is clean. */
    private void untilCommitted(String what, Duration timeout, java.util.function.BooleanSupplier state) {
        Poll.until(what + " and committed", timeout, () -> state.getAsBoolean()
                && daemon.engine().lastCycleEnd().isPresent() && daemon.engine().cycleRequestCounts()[2] == 0 && clean());
    }

    private boolean clean() {
        try {
            return FlowFixture.git(fx.tracking(), "status", "--porcelain").isBlank();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long commitsUnchecked() {
        try {
            return commits();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long commits() throws Exception {
        return Long.parseLong(FlowFixture.git(fx.tracking(), "rev-list", "--count", "HEAD").strip());
    }

    @Test
    void anOperatorsPushToMainIsMergedWithoutACronTick() throws Exception {
        fx = new FlowFixture(dir, 2);
        Map<String, String> p = withEvents(fx.settings("local1", 2));
        p.put("caravan.tracking.fetch-interval", "500ms");
        daemon = DaemonHarness.start(dir, p);
        Poll.until("both jobs completed, pushed, nothing waiting", Duration.ofSeconds(60), () -> inState(State.COMPLETED) == 2
                && daemon.engine().cycleRequestCounts()[2] == 0 && clean() && pushed());

        // the operator adds a job on main, on top of what the scheduler pushed (the ICGC README's way)
        try (org.eclipse.jgit.api.Git op = GitFixtures.operatorClone(fx.remote, dir.resolve("operator"))) {
            GitFixtures.mergeScheduler(op);
            Path job = java.nio.file.Files.createDirectories(dir.resolve("operator/jobs").resolve(FlowFixture.GROUP)
                    .resolve(FlowFixture.BATCH).resolve("backlog/job.0100"));
            java.nio.file.Files.writeString(job.resolve("params.json"), "{\"n\": 100, \"fail\": false}\n");
            GitFixtures.commitAllAndPush(op, "add job.0100");
        }
        Poll.until("the pushed job merged, run and completed", Duration.ofSeconds(60),
                () -> fx.runs().contains("job.0100") && inState(State.COMPLETED) == 3);
        assertThat(FlowFixture.git(fx.tracking(), "log", "--format=%s", "scheduler")).contains("add job.0100");
    }

    @Test
    void aCrashBetweenSubmitAndMoveIsRecoveredWithEventsAlone() throws Exception {
        fx = new FlowFixture(dir, 3);
        fx.slack.close();
        Map<String, String> s = withEvents(fx.settings("local1", 1));
        s.remove("caravan.slack.webhook-url");
        try (DaemonProcesses daemons = new DaemonProcesses()) {
            DaemonProcesses.Crash crash = daemons.killRightAfterSubmit(dir, s);
            assertThat(crash.job()).isEqualTo("PACA-CA/2021-06-20/job.0001");
            assertThat(fx.jobsIn("backlog")).contains("job.0001");

            // one slot and a yearly cron: after the first cycle, only the runs' ends bring the next jobs
            Process second = daemons.start(crash.config(), dir.resolve("second.log"), Map.of());
            Poll.until("all three jobs completed", Duration.ofSeconds(90),
                    () -> fx.jobsIn("completed").size() == 3 || !second.isAlive());
            assertThat(second.isAlive()).as("second daemon alive").isTrue();
            assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002", "job.0003");
            assertThat(java.nio.file.Files.readString(dir.resolve("second.log")))
                    .contains("Recovered the submission of PACA-CA/2021-06-20/job.0001");
        }
    }

    private boolean pushed() {
        try {
            return FlowFixture.git(fx.tracking(), "rev-parse", "HEAD").equals(FlowFixture.git(fx.remote, "rev-parse", "scheduler"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
