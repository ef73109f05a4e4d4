package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.IcgcShell;

import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.model.RunMarker;
import dev.caravan.icgc.IcgcConfigConverter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ICGC parity on the real tracking snapshot of 2021-09-01 ({@code ../shared/data/icgc-tracking-jobs-2021-09-01.tar.gz},
 * the tree the benchmark of ICGC's own scheduler ran on): settings converted from the real
 * {@code job-scheduler.conf} (two environments, rdpc_prod and rdpc_qa, one emulated RDPC each), the 16 queued jobs
 * in flight on rdpc_prod (10 complete, 4 fail, 2 still run), 10 jobs in backlog, and one more that an operator moved
 * back from failed, whose newest run was on rdpc_qa. One cycle does what ICGC's did: the 10 go out on rdpc_prod, the
 * retried one goes back to rdpc_qa and resumes its session there, with one state query per in-flight run and one
 * token call per environment that has work.
 */
@FlowTest
class IcgcSnapshotFlowTest {

    static final Path SHARED = Path.of(System.getProperty("caravan.shared.dir", "../shared"));
    static final Path TARBALL = SHARED.resolve("data/icgc-tracking-jobs-2021-09-01.tar.gz");
    static final Path CONF = SHARED.resolve("fixtures/icgc/job-scheduler.conf");
    static final String PROD = "rdpc_prod";
    static final String QA = "rdpc_qa";
    /** A failed job whose newest run was on rdpc_qa. */
    static final String RETRY = "jobs/LIRI-JP/2021-08-27";
    static final String RETRY_JOB = "job.0053";
    static final String QA_RUN = "wes-4c8dbf6cc99646c59ba987b79a5f0a04";

    @TempDir
    static Path base;

    /** The tracking clone: the extracted tree made a Git repo by the git CLI, with the bare remote as origin. */
    static Path tracking;
    static Path remote;

    private WesEmulator prod;
    private WesEmulator qa;
    private SlackEmulator slack;
    private DaemonHarness daemon;

    @BeforeAll
    static void extractOnce() throws Exception {
        Assumptions.assumeTrue(Files.exists(TARBALL) && Files.exists(CONF), "../shared not present: skipping the"
                + " ICGC snapshot flow");
        tracking = Files.createDirectories(base.resolve("tracking"));
        remote = base.resolve("remote.git");
        IcgcShell.run(base, List.of("tar", "xzf", TARBALL.toAbsolutePath().toString(), "-C", tracking.toString()));
        IcgcShell.git(tracking, "init", "-q", "-b", "main");
        IcgcShell.git(tracking, "add", "-A");
        IcgcShell.git(tracking, "commit", "-q", "-m", "ICGC tracking jobs 2021-09-01");
        // ICGC's "move failed jobs to backlog for resume", done by an operator on main before the cycle
        Files.move(tracking.resolve(RETRY + "/failed/" + RETRY_JOB), tracking.resolve(RETRY + "/backlog/" + RETRY_JOB));
        IcgcShell.git(tracking, "add", "-A", RETRY);
        IcgcShell.git(tracking, "commit", "-q", "-m", "resume " + RETRY_JOB + " on rdpc_qa");
        IcgcShell.git(base, "clone", "-q", "--bare", tracking.toString(), remote.toString());
        IcgcShell.git(tracking, "remote", "add", "origin", remote.toString());
        IcgcShell.git(tracking, "fetch", "-q", "origin");
        IcgcShell.git(tracking, "checkout", "-q", "-b", "scheduler");
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {slack, prod, qa}) {
            if (c != null) {
                c.close();
            }
        }
    }

    record InFlight(String path, String runId) {
    }

    static List<InFlight> queued(Path root) throws IOException {
        List<InFlight> out = new ArrayList<>();
        try (Stream<Path> s = Files.find(root.resolve("jobs"), 4, (p, a) -> a.isDirectory()
                && p.getParent().getFileName().toString().equals("queued") && root.resolve("jobs").relativize(p).getNameCount() == 4)) {
            for (Path job : s.sorted().toList()) {
                RunMarker newest;
                try (Stream<Path> m = Files.list(job)) {
                    newest = m.map(x -> RunMarker.parse(x.getFileName().toString())).flatMap(Optional::stream)
                            .max(java.util.Comparator.comparingLong(RunMarker::epoch)).orElseThrow();
                }
                out.add(new InFlight(root.relativize(job).toString(), newest.runId()));
            }
        }
        return out;
    }

    static List<String> jobsIn(Path root, String state) throws IOException {
        try (Stream<Path> s = Files.find(root.resolve("jobs"), 4, (p, a) -> a.isDirectory()
                && p.getParent().getFileName().toString().equals(state) && root.resolve("jobs").relativize(p).getNameCount() == 4)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** The converted job-scheduler.conf (caravan.* keys), pointed at this test's remote, emulators and Slack. */
    private Map<String, String> settings() throws IOException {
        Properties converted = new Properties();
        converted.load(new StringReader(IcgcConfigConverter.convert(CONF)));
        Map<String, String> p = DaemonHarness.base(base);
        converted.stringPropertyNames().stream().filter(k -> k.startsWith("caravan.")).sorted()
                .forEach(k -> p.put(k, converted.getProperty(k)));
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.tracking.dir", tracking.toString());
        p.put("caravan.triggers.enabled", "false");
        p.put("caravan.slack.webhook-url", slack.url());
        for (Map.Entry<String, WesEmulator> e : Map.of(PROD, prod, QA, qa).entrySet()) {
            String k = "caravan.env." + e.getKey() + ".";
            p.put(k + "url", e.getValue().url());
            p.put(k + "graphql-url", e.getValue().graphqlUrl());
            p.put(k + "token-url", e.getValue().tokenUrl());
            p.put(k + "client-id", e.getKey() + "-client");
            p.put(k + "client-secret", e.getKey() + "-secret");
            p.put(k + "api-token", e.getKey() + "-api-token");
            p.put(k + "submit-interval", "0s"); // ICGC's 5 s pause is the benchmark's business
        }
        return p;
    }

    @Test
    void oneCycleOverTheRealSnapshotWithTwoEnvironments() throws Exception {
        prod = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient(PROD + "-client", PROD + "-secret");
        qa = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient(QA + "-client", QA + "-secret");
        slack = new SlackEmulator();

        List<InFlight> flying = queued(tracking);
        String retried = RETRY + "/backlog/" + RETRY_JOB;
        List<String> backlog = jobsIn(tracking, "backlog").stream().filter(b -> !b.equals(retried)).toList();
        assertThat(flying).hasSize(16);
        assertThat(backlog).hasSize(10);
        for (InFlight f : flying) {
            prod.preload(f.runId(), "RUNNING", UUID.randomUUID().toString());
        }
        List<InFlight> complete = flying.subList(0, 10);
        List<InFlight> failing = flying.subList(10, 14);
        List<InFlight> running = flying.subList(14, 16);
        complete.forEach(f -> prod.finish(f.runId(), "COMPLETE"));
        failing.forEach(f -> prod.finish(f.runId(), "EXECUTOR_ERROR"));
        String qaSession = UUID.randomUUID().toString();
        Map<String, String> qaDirs = new LinkedHashMap<>();
        qaDirs.put("launchDir", "/nfs-dev-1-vol-qa-1/launch/LIRI-JP/2021-08-27/" + RETRY_JOB);
        qaDirs.put("projectDir", "/nfs-dev-1-vol-qa-1/project/LIRI-JP/2021-08-27/" + RETRY_JOB);
        qaDirs.put("workDir", "/nfs-dev-1-vol-qa-1/work/LIRI-JP/2021-08-27/" + RETRY_JOB);
        qa.preload(QA_RUN, "EXECUTOR_ERROR", qaSession, Map.of(), qaDirs);
        List<String> completedBefore = jobsIn(tracking, "completed");
        List<String> failedBefore = jobsIn(tracking, "failed");

        String loopBefore = IcgcShell.loop(tracking);
        daemon = DaemonHarness.start(base, settings());
        assertThat(IcgcShell.knownStateLines(daemon.engine().report())).isEqualTo(loopBefore);

        daemon.cycle();

        // the jobs: 10 completed, 4 failed, 2 still queued, the 10 backlog jobs released on rdpc_prod
        List<String> completed = new ArrayList<>(completedBefore);
        complete.forEach(f -> completed.add(f.path().replace("/queued/", "/completed/")));
        List<String> failed = new ArrayList<>(failedBefore);
        failing.forEach(f -> failed.add(f.path().replace("/queued/", "/failed/")));
        List<String> queuedNow = new ArrayList<>(running.stream().map(InFlight::path).toList());
        backlog.forEach(b -> queuedNow.add(b.replace("/backlog/", "/queued/")));
        queuedNow.add(retried.replace("/backlog/", "/queued/"));
        assertThat(jobsIn(tracking, "completed")).containsExactlyInAnyOrderElementsOf(completed);
        assertThat(jobsIn(tracking, "failed")).containsExactlyInAnyOrderElementsOf(failed);
        assertThat(jobsIn(tracking, "queued")).containsExactlyInAnyOrderElementsOf(queuedNow);
        assertThat(jobsIn(tracking, "backlog")).isEmpty();
        for (String b : backlog) {
            try (Stream<Path> s = Files.list(tracking.resolve(b.replace("/backlog/", "/queued/")))) {
                assertThat(s.map(x -> x.getFileName().toString()).filter(RunMarker::isMarkerName).toList())
                        .singleElement().satisfies(m -> assertThat(m).matches("run\\.\\d{10}\\.rdpc_prod\\.wes-[0-9a-f]{32}"));
            }
        }

        // the retried job went back to rdpc_qa, where its newest run was, and resumed that run's session there
        Path retriedNow = tracking.resolve(retried.replace("/backlog/", "/queued/"));
        List<WesEmulator.Run> qaRuns = qa.runs().stream().filter(r -> !r.runId().equals(QA_RUN)).toList();
        assertThat(qaRuns).singleElement().satisfies(r -> {
            assertThat(r.engine("resume")).isEqualTo(qaSession);
            qaDirs.forEach((k, v) -> assertThat(r.engine(k)).as(k).isEqualTo(v));
            assertThat(r.tags()).containsEntry("caravan_job", "LIRI-JP/2021-08-27/" + RETRY_JOB)
                    .containsEntry("caravan_attempt", "2");
        });
        try (Stream<Path> s = Files.list(retriedNow)) {
            assertThat(s.map(x -> x.getFileName().toString()).filter(RunMarker::isMarkerName).sorted().toList())
                    .containsExactly("run.1630362045.rdpc_qa." + QA_RUN, markerOf(retriedNow, qaRuns.get(0).runId()));
        }

        // the calls: one state query per in-flight run, one token call per environment with work
        assertThat(IcgcDemoFlowTest.queried(prod)).hasSize(16)
                .containsExactlyInAnyOrderElementsOf(flying.stream().map(InFlight::runId).toList());
        assertThat(prod.count(Kind.GRAPHQL)).isEqualTo(1);
        assertThat(prod.count(Kind.TOKEN)).isEqualTo(1);
        assertThat(prod.count(Kind.SUBMIT)).isEqualTo(10);
        assertThat(prod.count(Kind.LIST) + prod.count(Kind.RUN_LOG) + prod.count(Kind.STATUS)).isZero();
        assertThat(qa.count(Kind.TOKEN)).isEqualTo(1);
        assertThat(qa.count(Kind.SUBMIT)).isEqualTo(1);
        assertThat(IcgcDemoFlowTest.queried(qa)).as("nothing in flight on rdpc_qa: only the resumed run's session")
                .containsExactly(QA_RUN);

        // the report, as the shell loop says, before and after
        String loopAfter = IcgcShell.loop(tracking);
        assertThat(IcgcShell.knownStateLines(daemon.engine().report())).isEqualTo(loopAfter);
        assertThat(loopAfter).isNotEqualTo(loopBefore);
        assertThat(lineOf(loopAfter, "PACA-AU backlog")).isEqualTo("PACA-AU backlog 0");
        assertThat(lineOf(loopAfter, "CMDI-UK queued")).isEqualTo("CMDI-UK queued " + queuedNow.stream()
                .filter(q -> q.startsWith("jobs/CMDI-UK/")).count());
        assertThat(lineOf(loopAfter, "LIRI-JP queued")).isEqualTo("LIRI-JP queued 1");
        assertThat(FlowFixture.git(remote, "rev-parse", "scheduler").strip())
                .isEqualTo(FlowFixture.git(tracking, "rev-parse", "HEAD").strip());
        assertThat(FlowFixture.git(tracking, "status", "--porcelain")).isEmpty();
    }

    private static String markerOf(Path job, String runId) throws IOException {
        try (Stream<Path> s = Files.list(job)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.endsWith(".rdpc_qa." + runId)).findFirst()
                    .orElseThrow(() -> new AssertionError("no marker for " + runId + " in " + job));
        }
    }

    private static String lineOf(String report, String prefix) {
        return report.lines().filter(l -> l.startsWith(prefix + " ")).findFirst().orElse("");
    }
}
