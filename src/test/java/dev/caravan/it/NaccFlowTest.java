package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.NaccFixture;
import dev.caravan.testkit.Poll;

import dev.caravan.emulators.flywheel.FlywheelEmulator;
import dev.caravan.settings.ConfigException;
import dev.caravan.model.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole NACC runs through a daemon, its YAML routes and an in-process Flywheel: plan, batch by batch
 * releases, one retry of what failed, the final report; a dry run; a restart in the middle of a batch.
 */
@FlowTest
class NaccFlowTest {

    private static final Path SHIPPED = Path.of("../shared/fixtures/nacc/batch-run-configs.json");

    @TempDir
    Path dir;

    private NaccFixture fx;

    @BeforeEach
    void fixture() throws Exception {
        fx = new NaccFixture(dir);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void theShippedConfigDrivesAFullRun() throws Exception {
        Assumptions.assumeTrue(Files.exists(SHIPPED), "../shared is absent: skipping the shipped batch-run-configs.json run");
        fx.fw.gear("duplicate-aware-project-copy", "1.0.1");
        String newest = fx.fw.gear("duplicate-aware-project-copy", "1.1.0");
        fx.center("adrc-a", true, "retrospective-form", 30, "accepted")
                .center("adrc-b", true, "retrospective-form", 10, "accepted")
                .center("adrc-c", true, "retrospective-form", 60000, "accepted")
                .center("adrc-d", false, "retrospective-form", 80000, "accepted")   // inactive
                .center("adrc-e", true, "retrospective-form", 0, "accepted")        // no files
                .center("adrc-f", true, "retrospective-form", 90000, "accepted")
                .center("adrc-g", true, "retrospective-form", 120000, "accepted")
                .center("adrc-h", true, "retrospective-form", 5, null);             // no target project
        fx.fw.outcomes("adrc-a", "failed", "complete");      // fails once, the retry completes
        fx.fw.outcomes("adrc-b", "failed", "failed");        // fails for good
        try (DaemonHarness d = DaemonHarness.start(dir, fx.settings(SHIPPED))) {
            NaccFixture.plan(d);
            String planned = fx.post("planned on fw");
            assertThat(planned).contains("5 of 8 centers in 2 batches, 270040 acquisition files")
                    .contains(".b01: 4 centers, 150040 files: adrc-b, adrc-a, adrc-c, adrc-f")
                    .contains(".b02: 1 center, 120000 files: adrc-g")
                    .contains("inactive (the NACC gear scheduled inactive centers too) (1): adrc-d")
                    .contains("no acquisition files (batch_mode files) (1): adrc-e");
            fx.posted("WARNING", "adrc-h: project adrc-h/accepted not found");
            String run = "duplicate-aware-project-copy-" + java.time.LocalDate.now(java.time.ZoneOffset.UTC);
            assertThat(NaccFixture.states(d)).containsExactly("adrc-a b01 backlog", "adrc-b b01 backlog",
                    "adrc-c b01 backlog", "adrc-f b01 backlog", "adrc-g b02 backlog");
            assertThat(Files.readString(fx.dir.resolve("tracking/jobs/adrc-c/" + run + ".b01/batch-summary.tsv")))
                    .isEqualTo("job.0001\tadrc-c/retrospective-form\t60000\tadrc-c/accepted\n");

            d.cycle();   // batch 1 out, batch 2 held by the barrier
            assertThat(NaccFixture.states(d)).containsExactly("adrc-a b01 queued", "adrc-b b01 queued",
                    "adrc-c b01 queued", "adrc-f b01 queued", "adrc-g b02 backlog");
            assertThat(fx.fw.calls("POST /api/jobs/add")).isEqualTo(4);
            FlywheelEmulator.EJob c = fx.fw.jobsOf("adrc-c").get(0);
            assertThat(c.gearId).isEqualTo(newest);
            assertThat(c.projectId).isEqualTo(fx.fw.jobsOf("adrc-c").get(0).projectId);
            assertThat(c.config.path("destination_project").asText()).isNotEqualTo("{{target}}").isNotEmpty();
            assertThat(c.config.path("duplicate_check_projects").asText()).isEqualTo(c.config.path("destination_project").asText());
            assertThat(c.config.path("tag_to_copy").asText()).isEqualTo("file-validator-PASS");
            assertThat(c.config.path("debug").isBoolean()).isTrue();

            d.cycle();   // nothing ended: nothing moves, nothing more released
            assertThat(fx.fw.calls("POST /api/jobs/add")).isEqualTo(4);
            fx.fw.finishAll();
            d.cycle();   // batch 1 ended (a and b failed): batch 2 goes out in the same cycle
            assertThat(NaccFixture.states(d)).containsExactly("adrc-a b01 failed", "adrc-b b01 failed",
                    "adrc-c b01 completed", "adrc-f b01 completed", "adrc-g b02 queued");
            NaccFixture.watch(d);  // batch 2 still running: no retry yet
            assertThat(NaccFixture.jobs(d, State.FAILED)).hasSize(2);
            fx.fw.finishAll();
            d.cycle();
            NaccFixture.watch(d);  // every batch ended: one retry each
            fx.posted("retrying 2 failed jobs once: adrc-a, adrc-b");
            assertThat(NaccFixture.jobs(d, State.BACKLOG)).hasSize(2);
            d.cycle();
            assertThat(fx.fw.calls("POST /api/jobs/{id}/retry")).isEqualTo(2);
            assertThat(fx.fw.jobsOf("adrc-a")).hasSize(2);
            assertThat(fx.fw.jobsOf("adrc-a").get(1).previousJobId).isEqualTo(fx.fw.jobsOf("adrc-a").get(0).id);
            fx.fw.finishAll();
            d.cycle();
            NaccFixture.watch(d);
            String critical = fx.post("still failed after one retry");
            assertThat(critical).startsWith(":fire: CRITICAL: NACC run " + run)
                    .contains("1 of 5 centers still failed after one retry (4 completed)")
                    .contains("• adrc-b/retrospective-form (adrc-b/" + run + ".b01/job.0001, Flywheel jobs ");
            NaccFixture.watch(d);  // reported once
            assertThat(fx.slack.texts().stream().filter(t -> t.contains("still failed")).count()).isEqualTo(1);
            assertThat(NaccFixture.states(d)).containsExactly("adrc-a b01 completed", "adrc-b b01 failed",
                    "adrc-c b01 completed", "adrc-f b01 completed", "adrc-g b02 completed");
            // the next trigger plans a new run (same day: suffix a); centers that completed within 7 days are left out
            NaccFixture.plan(d);
            fx.posted("planned on fw", "a complete run of the gear ended within time_interval (4): adrc-a (ended");
        }
        // everything reached the remote
        assertThat(FlowFixture.git(fx.remote, "ls-tree", "-r", "--name-only", "scheduler"))
                .contains("jobs/adrc-g/duplicate-aware-project-copy-");
    }

    @Test
    void theReadmeExampleDrivesAFullRun() throws Exception {
        fx.fw.gear("test-gear", "0.3.0");
        fx.center("ufad", true, "retrospective-form", 4000, "accepted")
                .center("uwad", true, "retrospective-form", 7000, "accepted")
                .center("yadrc", true, "retrospective-form", 2500, "accepted")
                .center("adrc-dvcid", true, "retrospective-form", 10, "accepted")
                .center("mayo", true, "retrospective-form", 9000, "accepted");
        fx.fw.completedJob("mayo", "test-gear", Instant.now().minus(Duration.ofDays(2)));   // within 7 days
        fx.fw.completedJob("ufad", "test-gear", Instant.now().minus(Duration.ofDays(30)));  // long ago
        Map<String, String> s = fx.settings(Path.of("examples/nacc/readme-example.json"));
        s.put("caravan.nacc.exclude-studies", "-DVCID");
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            NaccFixture.plan(d);
            String planned = fx.post("planned on fw");
            // files: 2500, 4000, 7000 → 2500+4000 = 6500 < 10000, +7000 crosses: one batch of three
            assertThat(planned).contains("3 of 5 centers in 1 batches, 13500 acquisition files")
                    .contains("ends with an exclude_studies suffix (1): adrc-dvcid (-dvcid)")
                    .contains("a complete run of the gear ended within time_interval (1): mayo (ended ");
            for (int i = 0; i < 3 && !NaccFixture.jobs(d, State.BACKLOG).isEmpty(); i++) {
                d.cycle();
            }
            FlywheelEmulator.EJob j = fx.fw.jobsOf("yadrc").get(0);
            assertThat(j.config.path("source_id").asText()).isEqualTo(j.projectId);
            assertThat(j.config.path("target_id").asText()).isNotEqualTo(j.projectId).isNotEmpty();
            assertThat(j.config.path("tag").asText()).isEqualTo("test-passed");
            fx.fw.finishAll();
            d.cycle();
            NaccFixture.watch(d);
            fx.posted("INFO", "done: 3 of 3 centers completed in 1 batches");
        }
    }

    @Test
    void projectsModeWithInputsGoesBatchByBatchWithOneStatusCallPerRunningJob() throws Exception {
        fx.fw.gear("form-qc-checker", "2.0.0");
        for (String c : List.of("c1", "c2", "c3", "c4", "c5")) {
            fx.center(c, true, "ingest-form", 100 + c.charAt(1), null, "form-qc-configs.json", "other.csv");
        }
        fx.center("c6", true, "ingest-form", 1, null, "other.csv");   // the input file is missing
        try (DaemonHarness d = DaemonHarness.start(dir, fx.settings(Path.of("examples/nacc/projects-with-inputs.json")))) {
            NaccFixture.plan(d);
            fx.posted("planned on fw", "5 of 6 centers in 3 batches");
            fx.posted("WARNING", "c6: project c6/ingest-form has no file form-qc-configs.json (gear_inputs.qc_configs_file)");
            d.cycle();
            assertThat(NaccFixture.states(d)).containsExactly("c1 b01 queued", "c2 b01 queued", "c3 b02 backlog",
                    "c4 b02 backlog", "c5 b03 backlog");
            FlywheelEmulator.EJob j = fx.fw.jobsOf("c1").get(0);
            assertThat(j.inputs.path("qc_configs_file").path("name").asText()).isEqualTo("form-qc-configs.json");
            assertThat(j.config.path("project_id").asText()).isEqualTo(j.projectId);

            fx.fw.advance();      // both running
            fx.fw.resetCalls();
            d.cycle();
            assertThat(fx.fw.calls()).containsExactly(Map.entry("GET /api/jobs/{id}", 2));

            for (int batch = 2; batch <= 3; batch++) {
                fx.fw.finishAll();
                d.cycle();
                String b = "b0" + batch;
                assertThat(NaccFixture.states(d)).filteredOn(x -> x.contains(" queued")).allMatch(x -> x.contains(b));
            }
            fx.fw.finishAll();
            d.cycle();
            assertThat(NaccFixture.jobs(d, State.COMPLETED)).hasSize(5);
            NaccFixture.watch(d);
            fx.posted("done: 5 of 5 centers completed in 3 batches");
        }
    }

    @Test
    void aDryRunPostsThePlanAndSubmitsNothing() throws Exception {
        fx.fw.gear("duplicate-aware-project-copy", "1.0.0");
        fx.center("adrc-a", true, "retrospective-form", 30, "accepted")
                .center("adrc-b", false, "retrospective-form", 10, "accepted")
                .center("adrc-c", true, null, 0, null);
        Map<String, String> s = fx.settings(Path.of("examples/nacc/batch-run-configs.json"));
        s.put("caravan.nacc.dry-run", "true");
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            NaccFixture.plan(d);
            String plan = fx.post("NACC dry run");
            assertThat(plan).contains("nothing submitted").contains("1 of 3 centers in 1 batches, 30 acquisition files")
                    .contains("  adrc-a/retrospective-form: 30 files → adrc-a/accepted")
                    .contains("inactive (the NACC gear scheduled inactive centers too) (1): adrc-b")
                    .contains("project not found (1): adrc-c (adrc-c/retrospective-form)");
            d.cycle();
            assertThat(NaccFixture.states(d)).isEmpty();
            assertThat(fx.fw.calls("POST /api/jobs/add")).isZero();
            assertThat(fx.fw.jobs()).isEmpty();
        }
    }

    @Test
    void aRestartInTheMiddleOfABatchContinuesItWithoutResubmitting() throws Exception {
        fx.fw.gear("duplicate-aware-project-copy", "1.0.0");
        fx.center("adrc-a", true, "retrospective-form", 60000, "accepted")
                .center("adrc-b", true, "retrospective-form", 50000, "accepted")
                .center("adrc-c", true, "retrospective-form", 70000, "accepted");
        Map<String, String> s = fx.settings(Path.of("examples/nacc/batch-run-configs.json"));
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            NaccFixture.plan(d);
            d.cycle();
            assertThat(NaccFixture.states(d)).containsExactly("adrc-a b01 queued", "adrc-b b01 queued", "adrc-c b02 backlog");
        }
        fx.fw.advance();
        fx.fw.outcomes("adrc-b", "failed");
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            d.cycle();
            assertThat(NaccFixture.states(d)).containsExactly("adrc-a b01 queued", "adrc-b b01 queued", "adrc-c b02 backlog");
            assertThat(fx.fw.calls("POST /api/jobs/add")).isEqualTo(2);
            fx.fw.advance();   // adrc-a completes, adrc-b fails
            d.cycle();
            assertThat(NaccFixture.states(d)).containsExactly("adrc-a b01 completed", "adrc-b b01 failed", "adrc-c b02 queued");
            assertThat(fx.fw.calls("POST /api/jobs/add")).isEqualTo(3);
            NaccFixture.plan(d);   // a run is going: no second one
            fx.posted("WARNING", "not planning a new run of duplicate-aware-project-copy while duplicate-aware-project-copy-");
        }
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            fx.fw.finishAll();
            d.cycle();
            NaccFixture.watch(d);   // the run log survived the restart: the one retry goes ahead
            fx.posted("retrying 1 failed job once: adrc-b");
            d.cycle();
            fx.fw.finishAll();
            d.cycle();
            NaccFixture.watch(d);
            fx.posted("done: 3 of 3 centers completed in 2 batches");
        }
        for (String c : List.of("adrc-a", "adrc-b", "adrc-c")) {
            assertThat(fx.fw.jobsOf(c)).as(c).hasSize(c.equals("adrc-b") ? 2 : 1);
        }
        assertThat(fx.fw.calls("POST /api/jobs/add")).isEqualTo(3);
    }

    @Test
    void flywheelTroubleNeverLosesOrDoublesAJob() throws Exception {
        fx.fw.gear("duplicate-aware-project-copy", "1.0.0");
        fx.center("adrc-a", true, "retrospective-form", 10, "accepted")
                .center("adrc-b", true, "retrospective-form", 20, "accepted");
        Map<String, String> s = fx.settings(Path.of("examples/nacc/batch-run-configs.json"));
        s.put("caravan.env.fw.timeout", "500ms");
        fx.fw.autoRetries("adrc-a", 1);                    // Flywheel retries adrc-a's job by itself once
        fx.fw.outcomes("adrc-a", "failed", "complete");
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            NaccFixture.plan(d);
            fx.fw.delayNext("POST /api/jobs/add", 1500, 1);   // the job is added, the answer comes too late
            fx.fw.failNext("POST /api/jobs/add", 503, 1);     // the other is refused
            d.cycle();
            fx.posted("WARNING", "2 jobs not submitted to fw");
            assertThat(NaccFixture.jobs(d, State.BACKLOG)).hasSize(2);
            assertThat(fx.fw.jobs()).hasSize(1);
            d.cycle();   // the lost one is found by its tag, the refused one goes out now
            assertThat(NaccFixture.jobs(d, State.QUEUED)).hasSize(2);
            assertThat(fx.fw.jobs()).hasSize(2);
            fx.fw.finishAll();
            fx.fw.failNext("GET /api/jobs/", 503, 3);
            d.cycle();   // a poll that fails three times moves nothing
            fx.posted("WARNING", "cannot poll fw");
            assertThat(NaccFixture.jobs(d, State.QUEUED)).hasSize(2);
            d.cycle();
            assertThat(NaccFixture.jobs(d, State.COMPLETED)).hasSize(2).allSatisfy(j -> assertThat(j.runs()).hasSize(1));
            assertThat(fx.fw.jobsOf("adrc-a")).hasSize(2);   // the first attempt and Flywheel's own retry
            assertThat(fx.fw.jobsOf("adrc-a").get(1).previousJobId).isEqualTo(fx.fw.jobsOf("adrc-a").get(0).id);
            assertThat(fx.fw.jobsOf("adrc-b")).hasSize(1);
        }
    }

    @Test
    void saysStillRunningOnItsInterval() throws Exception {
        fx.fw.gear("duplicate-aware-project-copy", "1.0.0");
        fx.center("adrc-a", true, "retrospective-form", 10, "accepted");
        Map<String, String> s = fx.settings(Path.of("examples/nacc/batch-run-configs.json"));
        s.put("caravan.nacc.status-interval", "1s");
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            NaccFixture.plan(d);
            d.cycle();
            Poll.until("a still-running line", Duration.ofSeconds(20), () -> {
                NaccFixture.watch(d);
                return fx.slack.anyContains("still running: batch b01 (1 of 1): 1 in flight");
            });
        }
    }

    @Test
    void theRouteIsOnlyThereWithANaccEnvironmentThatHasTheBarrier() throws Exception {
        Path other = Files.createDirectories(dir.resolve("plain"));
        Map<String, String> plain = DaemonHarness.base(other);
        plain.put("caravan.env.demo.backend", "local");
        plain.put("caravan.env.demo.command", "true");
        try (DaemonHarness d = DaemonHarness.start(other, plain)) {
            assertThat(d.context().getRoute("nacc-plan")).isNull();
            assertThat(d.context().getRoute("cycle")).isNotNull();
        }
        Map<String, String> s = fx.settings(Path.of("examples/nacc/batch-run-configs.json"));
        s.put("caravan.env.fw.batch-barrier", "false");
        assertThat(startError(s).key()).isEqualTo("caravan.env.fw.batch-barrier");
        s.put("caravan.env.fw.batch-barrier", "true");
        s.put("caravan.nacc.batch-configs-file", "no/such.json");
        assertThat(startError(s)).satisfies(e -> {
            assertThat(e.key()).isEqualTo("caravan.nacc.batch-configs-file");
            assertThat(e.getMessage()).contains("no/such.json");
        });
        s.put("caravan.nacc.batch-configs-file", Path.of("examples/nacc/batch-run-configs.json").toAbsolutePath().toString());
        s.put("caravan.env.fw.api-key", "elsewhere.flywheel.io:k123456");
        assertThat(startError(s)).satisfies(e -> {
            assertThat(e.key()).isEqualTo("caravan.env.fw.api-key");
            assertThat(e.getMessage()).doesNotContain("k123456");
        });
    }

    /** The setting a daemon refuses to start with. */
    private ConfigException startError(Map<String, String> s) {
        try {
            DaemonHarness.start(dir, s).close();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConfigException c) {
                    return c;
                }
            }
            throw new AssertionError("start failed without a ConfigException", e);
        }
        throw new AssertionError("the daemon started");
    }
}
