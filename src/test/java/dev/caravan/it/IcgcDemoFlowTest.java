package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.IcgcShell;
import dev.caravan.testkit.Poll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.model.RunMarker;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ICGC parity on the real demo tree ({@code ../shared/fixtures/icgc/demo-jobs}, the content of a jobs/ folder):
 * whole daemon cycles through the YAML routes, one {@code wes} environment {@code rdpc-prod} in the argo dialect
 * against the emulator, a bare remote, operators working on {@code main} with Git. The demo's queued job.0003 and
 * job.0004 run on rdpc-prod, job.0005 waits in backlog, job.0002 failed on rdpc-qa (not configured here).
 */
@FlowTest
class IcgcDemoFlowTest {

    static final Path DEMO = Path.of(System.getProperty("caravan.shared.dir", "../shared"))
            .resolve("fixtures/icgc/demo-jobs");
    static final String ENV = "rdpc-prod";
    static final String BATCH_DIR = "jobs/PACA-CA/2021-06-20";
    static final String SESSION4 = "6f372124-49cc-4a31-9ea0-5c9f842ed031";
    static final Map<String, String> RUN4_DIRS = Map.of(
            "launchDir", "/nfs-2-c3/launch/PACA-CA/2021-06-20/job.0004",
            "projectDir", "/nfs-2-c3/project/PACA-CA/2021-06-20/job.0004",
            "workDir", "/nfs-2-c3/work/PACA-CA/2021-06-20/job.0004");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WesEmulator emu;
    private SlackEmulator slack;
    private DaemonHarness daemon;
    private Path remote;
    private String run3;
    private String run4;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DEMO), "../shared/fixtures/icgc/demo-jobs is absent");
        run3 = queuedRun("job.0003");
        run4 = queuedRun("job.0004");
        emu = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient("caravan-icgc", "icgc-client-secret");
        emu.preload(run3, "RUNNING", "0530c8b6-226e-48fe-a75b-11b9a47a26db");
        emu.preload(run4, "RUNNING", SESSION4, Map.of(), RUN4_DIRS);
        slack = new SlackEmulator();
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (slack != null) {
            slack.close();
        }
        if (emu != null) {
            emu.close();
        }
    }

    private static String queuedRun(String job) throws IOException {
        try (Stream<Path> s = Files.list(DEMO.resolve("PACA-CA/2021-06-20/queued").resolve(job))) {
            return s.map(p -> RunMarker.parse(p.getFileName().toString())).flatMap(Optional::stream)
                    .filter(m -> m.env().equals(ENV)).findFirst().orElseThrow().runId();
        }
    }

    /** The bare remote: main holds the demo tree, plus whatever {@code extra} adds to the seed's folder. */
    private void seed(Consumer<Path> extra) throws Exception {
        Path seed = dir.resolve("seed");
        GitFixtures.copy(DEMO, seed.resolve("jobs"));
        extra.accept(seed);
        remote = GitFixtures.bareRemote(dir.resolve("remote.git"), seed);
    }

    private Map<String, String> settings(int maxParallel, int threshold) {
        Map<String, String> p = DaemonHarness.base(dir);
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.slack.webhook-url", slack.url());
        p.putAll(emu.environmentSettings(ENV, "caravan-icgc", "icgc-client-secret", "icgc-api-token"));
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(maxParallel));
        p.put("caravan.env." + ENV + ".excessive-failure-threshold", Integer.toString(threshold));
        return p;
    }

    private Path tracking() {
        return dir.resolve("tracking");
    }

    private List<String> jobsIn(String state) throws IOException {
        Path d = tracking().resolve(BATCH_DIR).resolve(state);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isDirectory).map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> markers(String state, String job) throws IOException {
        try (Stream<Path> s = Files.list(tracking().resolve(BATCH_DIR).resolve(state).resolve(job))) {
            return s.map(x -> x.getFileName().toString()).filter(RunMarker::isMarkerName).sorted().toList();
        }
    }

    /** The runs the emulator holds for one job (by the caravan_job tag). */
    private List<WesEmulator.Run> runsOf(String job) {
        return emu.runs().stream().filter(r -> ("PACA-CA/2021-06-20/" + job).equals(r.tags().get("caravan_job"))).toList();
    }

    /** Every run id asked about in GraphQL requests, in order, with repeats. */
    static List<String> queried(WesEmulator emu) throws IOException {
        List<String> out = new ArrayList<>();
        for (WesEmulator.Request r : emu.requests(Kind.GRAPHQL)) {
            JsonNode vars = JSON.readTree(r.body()).path("variables");
            vars.fields().forEachRemaining(e -> out.add(e.getValue().asText()));
        }
        return out;
    }

    private long slackCount(String text) {
        return slack.texts().stream().filter(t -> t.contains(text)).count();
    }

    private void awaitSlack(String what, String text) {
        Poll.until(what, Duration.ofSeconds(10), () -> slack.anyContains(text));
    }

    // --- (a) full cycles ---------------------------------------------------------------------------

    /**
     * The demo's life as ICGC's scheduler would have lived it: runs followed to their end, the backlog job released
     * into the freed slot with a marker {@code run.<epoch>.rdpc-prod.<run_id>}, counts as the shell loop says, a
     * Slack summary of old→new counts after each push, and "No job status change." when nothing moved. The failed
     * run's error text is odd (nulls, numbers, nested objects, a very long line) and is examined without a crash.
     */
    @Test
    void fullCyclesOverTheDemoTree() throws Exception {
        seed(s -> { });
        String before = IcgcShell.loop(dir.resolve("seed"));
        assertThat(before).isEqualTo("""
                PACA-CA backlog 1
                PACA-CA queued 2
                PACA-CA failed 1
                PACA-CA completed 1
                """);
        daemon = DaemonHarness.start(dir, settings(2, 10));
        assertThat(daemon.engine().report()).isEqualTo(before);

        daemon.cycle(); // both runs RUNNING, no free slot
        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0004");
        assertThat(queried(emu)).containsExactlyInAnyOrder(run3, run4);
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(1);
        awaitSlack("the clean cycle's summary", "No job status change.");

        emu.finish(run3, "COMPLETE");
        JsonNode odd = JSON.readTree("[null, 137, {\"message\": null, \"detail\": {\"exit\": [1, \"two\"]}},"
                + " \"Process `transfer (1)` terminated with an error exit status (1)\\n\\tCommand error: "
                + "x".repeat(5000) + "\", \"\"]");
        emu.finish(run4, "EXECUTOR_ERROR", odd);
        long epochBefore = Instant.now().getEpochSecond();
        daemon.cycle();
        long epochAfter = Instant.now().getEpochSecond();

        assertThat(jobsIn("completed")).containsExactly("job.0001", "job.0003");
        assertThat(jobsIn("failed")).containsExactly("job.0002", "job.0004");
        assertThat(jobsIn("queued")).containsExactly("job.0005");
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        WesEmulator.Run released = runsOf("job.0005").get(0);
        String marker = markers("queued", "job.0005").get(0);
        Matcher m = Pattern.compile("run\\.(\\d{10})\\.rdpc-prod\\." + Pattern.quote(released.runId())).matcher(marker);
        assertThat(m.matches()).as(marker).isTrue();
        assertThat(Long.parseLong(m.group(1))).isBetween(epochBefore, epochAfter);
        assertThat(released.engine("resume")).isNull(); // first run of job.0005
        awaitSlack("the failure warning", "1 jobs failed on rdpc-prod");
        assertThat(slack.texts()).filteredOn(t -> t.contains("1 jobs failed on rdpc-prod")).singleElement()
                .satisfies(t -> assertThat(t).contains("PACA-CA/2021-06-20/job.0004").contains("terminated with an error")
                        .hasSizeLessThan(2000));
        awaitSlack("the push summary", "PACA-CA: backlog→queued 1, queued→failed 1, queued→completed 1");
        assertThat(slack.texts()).filteredOn(t -> t.contains("backlog→queued 1")).singleElement()
                .satisfies(t -> assertThat(t).contains("Totals:\nPACA-CA: backlog 0, queued 1, failed 2, completed 2"));

        emu.finish(released.runId(), "COMPLETE");
        daemon.cycle();
        String after = IcgcShell.loop(tracking());
        assertThat(after).isEqualTo("""
                PACA-CA backlog 0
                PACA-CA queued 0
                PACA-CA failed 2
                PACA-CA completed 3
                """);
        assertThat(daemon.engine().report()).isEqualTo(after);
        awaitSlack("the last summary", "PACA-CA: queued→completed 1");

        long clean = slackCount("No job status change.");
        daemon.cycle(); // nothing left to follow: no request to the WES at all, a clean summary
        Poll.until("a second clean summary", Duration.ofSeconds(10), () -> slackCount("No job status change.") == clean + 1);
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        String pushed = FlowFixture.git(remote, "ls-tree", "-r", "--name-only", "scheduler");
        assertThat(pushed).contains(BATCH_DIR + "/completed/job.0005/" + marker)
                .contains(BATCH_DIR + "/failed/job.0004/params.json")
                .doesNotContain(BATCH_DIR + "/queued/job.0");
        assertThat(FlowFixture.git(remote, "log", "--format=%s", "scheduler")).contains("[scheduler] update job status");
    }

    // --- (c) resume ----------------------------------------------------------------------------------

    /**
     * ICGC's "move failed jobs to backlog for resume": an operator merges the scheduler branch into main, moves the
     * failed job back to backlog and pushes. The next cycle resubmits it on the environment of its newest run with
     * {@code resume} = the failed run's Nextflow session and the failed run's very directories.
     */
    @Test
    void aFailedJobMovedBackToBacklogResumesItsSessionInItsDirectories() throws Exception {
        seed(s -> { });
        daemon = DaemonHarness.start(dir, settings(3, 10));
        emu.finish(run4, "EXECUTOR_ERROR");
        daemon.cycle();
        assertThat(jobsIn("failed")).containsExactly("job.0002", "job.0004");
        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0005");

        try (Git op = GitFixtures.operatorClone(remote, dir.resolve("operator"))) {
            GitFixtures.mergeScheduler(op);
            Path batch = dir.resolve("operator").resolve(BATCH_DIR);
            Files.move(batch.resolve("failed/job.0004"), batch.resolve("backlog/job.0004"));
            GitFixtures.commitAllAndPush(op, "resume job.0004");
        }
        emu.resetCounts();
        daemon.cycle();

        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0004", "job.0005");
        List<WesEmulator.Run> runs = runsOf("job.0004");
        assertThat(runs).hasSize(1);
        WesEmulator.Run resumed = runs.get(0);
        assertThat(resumed.engine("resume")).isEqualTo(SESSION4);
        RUN4_DIRS.forEach((k, v) -> assertThat(resumed.engine(k)).as(k).isEqualTo(v));
        assertThat(resumed.tags()).containsEntry("caravan_attempt", "2");
        assertThat(markers("queued", "job.0004")).hasSize(2).last().satisfies(mk -> assertThat(mk)
                .endsWith(".rdpc-prod." + resumed.runId()));
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
    }

    // --- (d) excessive failure -----------------------------------------------------------------------

    /**
     * Failures since the last push reach the threshold: {@code jobs/excessive_failure.rdpc-prod.txt} lists them, is
     * pushed at once (the 3 h interval notwithstanding), a CRITICAL goes out, and nothing is released, also after a
     * daemon restart, until an operator removes the file on main.
     */
    @Test
    void theExcessiveFailureFlagStopsReleasesAndSurvivesARestart() throws Exception {
        seed(s -> { });
        Map<String, String> settings = settings(3, 2);
        settings.put("caravan.tracking.push-interval", "3h");
        daemon = DaemonHarness.start(dir, settings);
        daemon.cycle(); // the first cycle pushes (no push yet); job.0005 released into the free slot
        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0004", "job.0005");
        String job5Run = runsOf("job.0005").get(0).runId();
        String pushedBefore = FlowFixture.git(remote, "rev-parse", "scheduler");

        emu.finish(run3, "EXECUTOR_ERROR");
        emu.finish(run4, "SYSTEM_ERROR");
        daemon.cycle();
        Path flag = tracking().resolve("jobs/excessive_failure.rdpc-prod.txt");
        assertThat(flag).exists();
        assertThat(Files.readString(flag)).contains("2 jobs failed on rdpc-prod since the last push (threshold 2)")
                .contains("PACA-CA/2021-06-20/job.0003\n").contains("PACA-CA/2021-06-20/job.0004\n");
        assertThat(FlowFixture.git(remote, "rev-parse", "scheduler")).isNotEqualTo(pushedBefore);
        assertThat(FlowFixture.git(remote, "ls-tree", "--name-only", "scheduler", "jobs/"))
                .contains("jobs/excessive_failure.rdpc-prod.txt");
        awaitSlack("the CRITICAL", "releases stopped, jobs/excessive_failure.rdpc-prod.txt written");
        assertThat(slack.texts()).filteredOn(t -> t.contains("excessive_failure.rdpc-prod.txt written")).singleElement()
                .satisfies(t -> assertThat(t).contains(":fire:"));

        // a slot is free and a job waits: job.0003 goes back to backlog by an operator, but the flag holds
        try (Git op = GitFixtures.operatorClone(remote, dir.resolve("operator"))) {
            GitFixtures.mergeScheduler(op);
            Path batch = dir.resolve("operator").resolve(BATCH_DIR);
            Files.move(batch.resolve("failed/job.0003"), batch.resolve("backlog/job.0003"));
            GitFixtures.commitAllAndPush(op, "retry job.0003");
        }
        daemon.cycle();
        assertThat(jobsIn("backlog")).containsExactly("job.0003");
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);

        daemon.close();
        daemon = DaemonHarness.start(dir, settings);
        daemon.cycle();
        assertThat(jobsIn("backlog")).containsExactly("job.0003");
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        Poll.until("the standing flag's CRITICAL after the restart", Duration.ofSeconds(10),
                () -> slackCount("rdpc-prod stopped for excessive failures") >= 2);

        try (Git op = Git.open(dir.resolve("operator").toFile())) {
            GitFixtures.mergeScheduler(op);
            Files.delete(dir.resolve("operator/jobs/excessive_failure.rdpc-prod.txt"));
            GitFixtures.commitAllAndPush(op, "rdpc-prod looked at: resume releases");
        }
        emu.finish(job5Run, "COMPLETE");
        daemon.cycle();
        assertThat(flag).doesNotExist();
        assertThat(jobsIn("queued")).containsExactly("job.0003");
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(2);
    }

    // --- (e) lost POST /runs answer --------------------------------------------------------------------

    /** The WES makes the run but its answer never comes back: the daemon finds it by its tag, one run, not two. */
    @Test
    void aLostSubmitAnswerMakesOneRunNotTwo() throws Exception {
        seed(s -> { });
        daemon = DaemonHarness.start(dir, settings(3, 10));
        emu.loseNextResponse(Kind.SUBMIT);

        daemon.cycle();

        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        assertThat(emu.count(Kind.LIST)).isPositive();
        List<WesEmulator.Run> runs = runsOf("job.0005");
        assertThat(runs).hasSize(1);
        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0004", "job.0005");
        assertThat(markers("queued", "job.0005")).singleElement()
                .satisfies(mk -> assertThat(mk).endsWith(".rdpc-prod." + runs.get(0).runId()));
        assertThat(dir.resolve("tracking/.git/caravan/intents")).satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());

        emu.advanceAll();
        daemon.cycle();
        assertThat(runsOf("job.0005")).hasSize(1);
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
    }

    // --- (f) onhold and unknown folders ----------------------------------------------------------------

    /**
     * {@code onhold} (here with a run marker naming rdpc-prod, the trap: it must never be polled) and a folder
     * Caravan does not know ({@code jobs/X/b/review/job.0009}) stay exactly as they were through cycles that move
     * jobs around them, an operator's merge of the scheduler branch and their commit on main, and Caravan's merge of
     * main: present, byte for byte, in Git too, never polled, never submitted, counted in the report.
     */
    @Test
    void onholdAndUnknownFoldersSurviveMergesUntouched() throws Exception {
        String heldParams = "{\"study_id\": \"PACA-CA\", \"analysis_id\": [\"held-analysis\"]}\n";
        String reviewParams = "{\"study_id\": \"X\", \"note\": \"waiting for review\"}\n";
        String heldMarker = "run.1624230000.rdpc-prod.wes-0000000000000000000000000000held";
        seed(s -> write(s, Map.of(
                BATCH_DIR + "/onhold/job.0006/params.json", heldParams,
                BATCH_DIR + "/onhold/job.0006/" + heldMarker, "",
                "jobs/X/b/review/job.0009/params.json", reviewParams,
                "jobs/X/b/review/job.0009/notes.txt", "checksum mismatch, ask the submitter\n")));
        String heldTree = FlowFixture.git(remote, "rev-parse", "main:" + BATCH_DIR + "/onhold");
        String reviewTree = FlowFixture.git(remote, "rev-parse", "main:jobs/X/b/review");
        daemon = DaemonHarness.start(dir, settings(2, 10));
        assertThat(daemon.engine().report()).contains("PACA-CA onhold 1\n").contains("X review 1\n");

        emu.finish(run3, "COMPLETE");
        daemon.cycle(); // job.0003 completes, job.0005 released
        try (Git op = GitFixtures.operatorClone(remote, dir.resolve("operator"))) {
            GitFixtures.mergeScheduler(op);
            Path batch = dir.resolve("operator/jobs/PACA-CA/2021-06-21/backlog/job.0001");
            Files.createDirectories(batch);
            Files.writeString(batch.resolve("params.json"), "{\"study_id\": \"PACA-CA\"}\n");
            GitFixtures.commitAllAndPush(op, "new batch 2021-06-21");
        }
        emu.finish(run4, "EXECUTOR_ERROR");
        daemon.cycle(); // merges main; job.0004 fails; the new job goes out
        emu.advanceAll();
        emu.advanceAll();
        emu.advanceAll();
        daemon.cycle();
        daemon.cycle();

        assertThat(jobsIn("completed")).contains("job.0003", "job.0005");
        assertThat(tracking().resolve("jobs/PACA-CA/2021-06-21/completed/job.0001")).isDirectory();
        assertThat(tracking().resolve(BATCH_DIR + "/onhold/job.0006/params.json")).hasContent(heldParams);
        assertThat(tracking().resolve(BATCH_DIR + "/onhold/job.0006/" + heldMarker)).isEmptyFile();
        assertThat(tracking().resolve("jobs/X/b/review/job.0009/params.json")).hasContent(reviewParams);
        assertThat(tracking().resolve("jobs/X/b/review/job.0009/notes.txt"))
                .hasContent("checksum mismatch, ask the submitter\n");
        try (Stream<Path> s = Files.list(tracking().resolve(BATCH_DIR + "/onhold/job.0006"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("params.json", heldMarker);
        }
        assertThat(FlowFixture.git(remote, "rev-parse", "scheduler:" + BATCH_DIR + "/onhold")).isEqualTo(heldTree);
        assertThat(FlowFixture.git(remote, "rev-parse", "scheduler:jobs/X/b/review")).isEqualTo(reviewTree);
        assertThat(FlowFixture.git(tracking(), "status", "--porcelain")).isEmpty();
        assertThat(queried(emu)).doesNotContain("wes-0000000000000000000000000000held");
        assertThat(emu.runs()).noneMatch(r -> String.valueOf(r.tags().get("caravan_job")).contains("job.0006")
                || String.valueOf(r.tags().get("caravan_job")).startsWith("X/"));
        assertThat(daemon.engine().report()).contains("PACA-CA onhold 1\n").contains("X review 1\n");
    }

    // --- (g) the push rule -----------------------------------------------------------------------------

    /**
     * ICGC pushed when at least the interval minus five minutes had passed since the scheduler's last commit, and
     * it committed only when it pushed, so that is the time of the last push. With 20 minutes: 14 minutes after the
     * last push a cycle commits but does not push; 16 minutes after, it pushes (the last-push time is set in
     * {@code .git/caravan/last-push}, epoch milliseconds, instead of waiting).
     */
    @Test
    void theIcgcPushRuleIsTheIntervalLessFiveMinutes() throws Exception {
        seed(s -> { });
        Map<String, String> settings = settings(2, 10);
        settings.put("caravan.tracking.push-interval", "20m");
        daemon = DaemonHarness.start(dir, settings);
        daemon.cycle(); // never pushed: pushes now
        Path lastPush = tracking().resolve(".git/caravan/last-push");
        assertThat(lastPush).exists();
        String remoteBefore = FlowFixture.git(remote, "rev-parse", "scheduler").strip();

        Files.writeString(lastPush, Long.toString(Instant.now().minus(Duration.ofMinutes(14)).toEpochMilli()));
        emu.finish(run3, "COMPLETE");
        daemon.cycle();
        String local = FlowFixture.git(tracking(), "rev-parse", "HEAD").strip();
        assertThat(local).isNotEqualTo(remoteBefore); // committed ...
        assertThat(FlowFixture.git(remote, "rev-parse", "scheduler").strip()).isEqualTo(remoteBefore); // ... not pushed
        assertThat(FlowFixture.git(tracking(), "log", "-1", "--format=%s")).contains("[scheduler] update job status");
        // notifications arrive after the cycle returns: wait for the first push's summary before counting
        Poll.until("the first push's summary", Duration.ofSeconds(10), () -> slackCount("Totals:") == 1);
        long summaries = slackCount("Totals:");

        Files.writeString(lastPush, Long.toString(Instant.now().minus(Duration.ofMinutes(16)).toEpochMilli()));
        daemon.cycle();
        assertThat(FlowFixture.git(remote, "rev-parse", "scheduler").strip()).isEqualTo(local);
        Poll.until("the summary after the push", Duration.ofSeconds(10), () -> slackCount("Totals:") == summaries + 1);
        assertThat(slack.texts().get(slack.texts().size() - 1)).contains("PACA-CA: backlog→queued 1, queued→completed 1");
        assertThat(Long.parseLong(Files.readString(lastPush).strip()))
                .isGreaterThan(Instant.now().minus(Duration.ofMinutes(1)).toEpochMilli());
    }

    private static void write(Path root, Map<String, String> files) {
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = root.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
