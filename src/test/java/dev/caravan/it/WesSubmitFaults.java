package dev.caravan.it;

import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.it.FaultTable.Row;
import dev.caravan.it.FaultTable.Tally;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.DaemonProcesses;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite's remote-backend flow: a real daemon ({@code caravan run}) on a GA4GH WES environment served by
 * {@link WesEmulator}, whose {@code POST /runs} goes wrong in each way a WES (or the gateway in front of it) can: 500
 * without acting, 504 after making the run, 429 with {@code Retry-After}, the connection reset after making the run,
 * the answer later than the client's timeout, a hang without acting. Each fault is two bad answers in a row (so a
 * submission's one retry meets the second). The ledger is the emulator's own list of every run it made, by the
 * {@code caravan_job} tag: a job with two runs ran twice, however it came about.
 */
final class WesSubmitFaults {

    static final String ENV = "wes1";
    /** The emulator's runs take a step every this often: QUEUED, INITIALIZING, RUNNING, COMPLETE. */
    private static final Duration STEP = Duration.ofMillis(600);
    private static final Duration FAULT_MET = Duration.ofSeconds(90);
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(60);
    /** The job in a {@code POST /runs} body: its {@code caravan_job} tag, in the JSON of the {@code tags} field. */
    private static final Pattern JOB_TAG = Pattern.compile("\"caravan_job\"\\s*:\\s*\"([^\"]+)\"");

    /** The client's timeout in this flow ({@code WesEmulator.environmentSettings}: {@code timeout = 2s}). */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(2);

    /**
     * One way a submission goes wrong. {@code lasts}: how long its last bad answer goes on, for the client, after the
     * request that meets it arrives: a hang or a late answer is a fault until the client's timeout ends it.
     */
    private record Fault(String name, Consumer<WesEmulator> inject, Duration lasts) {
        Fault(String name, Consumer<WesEmulator> inject) {
            this(name, inject, Duration.ZERO);
        }
    }

    static final List<Fault> FAULTS = List.of(
            new Fault("WES 500 on submit (nothing made)", e -> e.failNext(Kind.SUBMIT, 2, 500)),
            new Fault("WES 504 after making the run", e -> e.failNextAfterActing(Kind.SUBMIT, 2, 504)),
            new Fault("WES 429 with Retry-After 1 s", e -> e.throttleNext(Kind.SUBMIT, 2, 1)),
            new Fault("WES reset after making the run", e -> {
                e.loseNextResponse(Kind.SUBMIT);
                e.loseNextResponse(Kind.SUBMIT);
            }),
            new Fault("WES answer after the client's timeout", e -> e.slowNext(Kind.SUBMIT, 2, Duration.ofSeconds(3)),
                    CLIENT_TIMEOUT),
            new Fault("WES hangs past the timeout (nothing made)", e -> e.delayNext(Kind.SUBMIT, 2), CLIENT_TIMEOUT));

    private final Path dir;
    private final int rounds;
    private final int jobs;
    private final FaultTable table;
    private final List<Row> rows = new ArrayList<>();
    private FlowFixture fx;
    private WesEmulator emu;
    private Path log;

    WesSubmitFaults(Path dir, int rounds, FaultTable table) {
        this.dir = dir;
        this.rounds = rounds;
        this.jobs = 8 + 5 * FAULTS.size() * rounds; // enough backlog that every fault meets real submissions
        this.table = table;
    }

    void run() throws Exception {
        fx = new FlowFixture(dir, jobs);
        String secret = "faults-secret-" + System.nanoTime();
        ScheduledExecutorService steps = Executors.newSingleThreadScheduledExecutor();
        try (DaemonProcesses daemons = new DaemonProcesses()) {
            emu = WesEmulator.start(WesEmulator.Dialect.GA4GH).requireClient("caravan-faults", secret);
            Map<String, String> s = DaemonHarness.base(dir);
            s.put("caravan.tracking.remote", fx.remote.toString());
            s.put("caravan.slack.webhook-url", fx.slack.url());
            s.putAll(emu.environmentSettings(ENV, "caravan-faults", secret, "faults-api-token"));
            s.put("caravan.env." + ENV + ".max-parallel-runs", "2");
            s.put("caravan.env." + ENV + ".excessive-failure-threshold", "0");
            s.put("caravan.env." + ENV + ".poll-interval", "1s"); // the flow, not the polling, is under test
            s.put("caravan.triggers.enabled", "true");
            s.put("caravan.cycle.cron", "0/1 * * * * ?");
            s.put("camel.main.routes-reload-enabled", "false");
            s.put("camel.server.host", "127.0.0.1");
            Path config = DaemonHarness.writeConfig(dir.resolve("daemon.properties"), s);
            log = dir.resolve("daemon.log");
            Process p = daemons.start(config, log, Map.of());
            steps.scheduleAtFixedRate(emu::advanceAll, STEP.toMillis(), STEP.toMillis(), TimeUnit.MILLISECONDS);
            Poll.until("the first WES runs recorded", Duration.ofSeconds(120), () -> recordedJobs().size() >= 3 || !p.isAlive());

            for (Fault f : FAULTS) {
                Tally t = new Tally();
                for (int i = 0; i < rounds; i++) {
                    trial(f, t, p);
                }
                rows.add(table.add(f.name(), t));
            }
            Poll.until("every job completed on " + ENV, Duration.ofSeconds(300),
                    () -> fx.jobsIn("completed").size() == jobs || !p.isAlive());
            p.destroy();
            p.waitFor();
        } finally {
            steps.shutdownNow();
            if (emu != null) {
                emu.close();
            }
            fx.slack.close();
        }

        Map<String, Integer> runsPerJob = runsPerJob();
        long twice = runsPerJob.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        String fsck = FlowFixture.git(fx.tracking(), "fsck", "--no-progress") + FlowFixture.git(fx.remote, "fsck", "--no-progress");
        long lost = Math.max(FaultTable.lost(fx.remote, "scheduler", jobs), jobs - runsPerJob.size());
        table.end("WES flow", rows, lost, twice, fsck, jobs + " jobs, " + emu.runs().size() + " runs made by the WES, "
                + emu.count(Kind.SUBMIT) + " POST /runs");

        assertThat(rows).allSatisfy(r -> {
            assertThat(r.lost()).as(r.fault() + ": jobs lost").isZero();
            assertThat(r.twice()).as(r.fault() + ": jobs run twice").isZero();
            assertThat(r.wedges()).as(r.fault() + ": wedges").isZero();
            assertThat(r.maxAlertsPerFault()).as(r.fault() + ": alerts per fault").isLessThanOrEqualTo(2);
            assertThat(r.maxRecoverCycles()).as(r.fault() + ": cycles to recover").isLessThanOrEqualTo(2);
        });
        assertThat(runsPerJob).as("runs the WES made, per job").hasSize(jobs).allSatisfy((job, n) -> assertThat(n).isOne());
        assertThat(lost).as("jobs lost").isZero();
        assertThat(fx.jobsIn("completed")).hasSize(jobs);
        assertThat(fsck).doesNotContain("error").doesNotContain("missing").doesNotContain("broken");
    }

    /**
     * Queues the fault's bad answers and waits until submissions met them all (the fault's end), then until every job
     * whose {@code POST /runs} came while it lasted has its run recorded in the clone's last commit (recovered).
     */
    private void trial(Fault f, Tally t, Process p) throws Exception {
        long twiceBefore = duplicates();
        int posts = fx.slack.posts().size();
        int before = emu.requests(Kind.SUBMIT).size();
        f.inject().accept(emu);
        Poll.until(f.name() + ": met by submissions", FAULT_MET, () -> emu.pendingFaults(Kind.SUBMIT) == 0 || !p.isAlive());
        Instant ended = Instant.now().plus(f.lasts());
        List<WesEmulator.Request> posted = emu.requests(Kind.SUBMIT);
        Set<String> hit = new TreeSet<>();
        posted.subList(before, posted.size()).forEach(r -> {
            Matcher m = JOB_TAG.matcher(r.bodyText());
            if (m.find()) {
                hit.add(m.group(1));
            }
        });
        try {
            // the cycles it took: counted when the cycle has recorded the runs in the clone's files (a requested
            // cycle's commit is written behind it, and cycles that end while it is written did not help), the cycles
            // that began after the fault's end (as the local flow counts them: FaultTrial.cyclesBegunSince)
            Poll.until(f.name() + ": the runs of " + hit + " recorded in the clone", RECOVERY_DEADLINE,
                    () -> p.isAlive() && markersOnDisk().containsAll(hit));
            int took = FaultTrial.cyclesBegunSince(log, ended);
            Poll.until(f.name() + ": the runs of " + hit + " recorded", RECOVERY_DEADLINE,
                    () -> p.isAlive() && recordedJobs().containsAll(hit));
            t.recovered(Duration.between(ended, Instant.now()).isNegative() ? Duration.ZERO : Duration.between(ended, Instant.now()), took);
        } catch (AssertionError e) {
            t.wedges++;
        }
        t.trials++;
        t.twice += (int) (duplicates() - twiceBefore);
        t.lost += FaultTable.lost(fx.tracking(), "HEAD", jobs);
        t.alerts(alertsSince(posts));
    }

    /** Jobs (by the WES run's {@code caravan_job} tag) with a run whose marker is in the clone's last commit. */
    private Set<String> recordedJobs() {
        String tree;
        try {
            tree = FlowFixture.git(fx.tracking(), "ls-tree", "-r", "--name-only", "HEAD", "jobs/");
        } catch (Exception e) {
            return Set.of(); // no commit yet
        }
        Set<String> out = new TreeSet<>();
        emu.runs().stream().filter(r -> tree.contains("." + ENV + "." + r.runId() + "\n"))
                .forEach(r -> out.add(r.tags().getOrDefault("caravan_job", "?")));
        return out;
    }

    /** Jobs (by the WES run's tag) with a run marker in the clone's working tree, committed or not. */
    private Set<String> markersOnDisk() {
        Set<String> names = new java.util.HashSet<>();
        try (java.util.stream.Stream<Path> s = Files.walk(fx.tracking().resolve("jobs"))) {
            s.forEach(f -> names.add(f.getFileName().toString()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Set.of(); // a folder moved while walked: the next poll reads it again
        }
        Set<String> out = new TreeSet<>();
        emu.runs().forEach(r -> names.stream().filter(n -> n.startsWith("run.") && n.endsWith("." + ENV + "." + r.runId()))
                .findAny().ifPresent(n -> out.add(r.tags().getOrDefault("caravan_job", "?"))));
        return out;
    }

    private Map<String, Integer> runsPerJob() {
        Map<String, Integer> out = new TreeMap<>();
        emu.runs().forEach(r -> out.merge(r.tags().getOrDefault("caravan_job", "?"), 1, Integer::sum));
        return out;
    }

    private long duplicates() {
        return runsPerJob().values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    }

    private int alertsSince(int posts) {
        List<String> texts = fx.slack.texts();
        return (int) texts.subList(Math.min(posts, texts.size()), texts.size()).stream()
                .filter(x -> x.contains("CRITICAL") || x.contains("WARNING")).count();
    }
}
