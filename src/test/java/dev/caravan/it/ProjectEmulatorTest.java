package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.Poll;

import dev.caravan.emulators.awsbatch.AwsBatchEmulator;
import dev.caravan.model.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.caravan.it.CliTest.caravan;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Projects against the in-process AWS Batch emulator: failures and resubmission chained only to resubmitted steps,
 * cancel, a submission paced under a 50/s throttling limit with no duplicates, and a daemon that follows the jobs.
 */
@FlowTest
class ProjectEmulatorTest {

    static {
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    @TempDir
    Path dir;

    private AwsBatchEmulator fake;
    private String conf;

    static final String WORKFLOW = """
            {"workflow_name": "rna",
             "analyses": [
               {"name": "trim", "job_definition": "fake-def", "queue": "fake-queue", "outputs": [],
                "parameters": {"in": "{_filepath}"}},
               {"name": "quant", "job_definition": "fake-def:1", "queue": "fake-queue", "outputs": [],
                "containerOverrides": {"vcpus": 1, "memory": 1000}},
               {"name": "report", "job_definition": "fake-def", "queue": "fake-queue", "outputs": []}
             ]}
            """;

    @BeforeEach
    void setUp() throws Exception {
        fake = new AwsBatchEmulator();
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.env.aws.backend", "awsbatch");
        s.put("caravan.env.aws.region", "us-east-1");
        s.put("caravan.env.aws.endpoint", fake.endpoint().toString());
        s.put("caravan.env.aws.max-parallel-runs", "5000");
        s.put("caravan.env.aws.excessive-failure-threshold", "0");
        conf = DaemonHarness.writeConfig(dir.resolve("c.properties"), s).toString();
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    private void project(int samples) throws Exception {
        StringBuilder csv = new StringBuilder("sample,file\n");
        for (int i = 1; i <= samples; i++) {
            csv.append("S").append(i).append(",s3://in/S").append(i).append(".fq\n");
        }
        Files.writeString(dir.resolve("m.csv"), csv);
        Files.writeString(dir.resolve("wf.json"), WORKFLOW);
        assertThat(caravan("project", "import", "p1", "--metadata", dir.resolve("m.csv").toString(), "--config", conf).code()).isZero();
        CliTest.Result c = caravan("project", "create", "p1", "--template", dir.resolve("wf.json").toString(), "--config", conf);
        assertThat(c.code()).as(c.err()).isZero();
    }

    private List<String> jobs(String state) throws Exception {
        Path d = dir.resolve("tracking/jobs/p1/rna").resolve(state);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void failedStepsAreResubmittedWithNewResourcesChainedOnlyToResubmittedSteps() throws Exception {
        project(3);
        fake.failing.add("p1_rna_S2_02-quant");
        CliTest.Result submit = caravan("project", "submit", "p1", "--config", conf);
        assertThat(submit.code()).as(submit.err()).isZero();
        assertThat(fake.jobs()).hasSize(9);
        assertThat(caravan("cycle", "--once", "--config", conf).code()).isZero();
        assertThat(jobs("completed")).hasSize(7);
        assertThat(jobs("failed")).containsExactly("S2.02-quant", "S2.03-report");
        assertThat(caravan("project", "status", "p1", "--config", conf).out()).containsPattern("failed\\s+2")
                .containsPattern("completed\\s+7");

        fake.failing.clear();
        Files.writeString(dir.resolve("ov.json"), "{\"containerOverrides\": {\"memory\": 64000},"
                + " \"analyses\": {\"report\": {\"retry_attempts\": 3}}}");
        CliTest.Result re = caravan("project", "resubmit", "p1", "--overrides", dir.resolve("ov.json").toString(), "--config", conf);
        assertThat(re.code()).as(re.err()).isZero();
        assertThat(fake.jobs()).hasSize(11);
        AwsBatchEmulator.Job quant = fake.jobs().get(9);
        AwsBatchEmulator.Job report = fake.jobs().get(10);
        assertThat(quant.name).isEqualTo("p1_rna_S2_02-quant");
        assertThat(quant.request.path("containerOverrides").path("memory").asInt()).isEqualTo(64000);
        assertThat(quant.request.path("containerOverrides").path("vcpus").asInt()).isEqualTo(1);
        // S2's trim had completed: the quant runs after nothing; the report after the new quant only
        assertThat(quant.request.path("dependsOn")).isEmpty();
        assertThat(report.request.path("dependsOn")).hasSize(1);
        assertThat(report.request.path("dependsOn").get(0).path("jobId").asText()).isEqualTo(quant.id);
        assertThat(report.request.path("retryStrategy").path("attempts").asInt()).isEqualTo(3);
        assertThat(report.request.path("tags").path("caravan:attempt").asText()).isEqualTo("2");
        assertThat(caravan("cycle", "--once", "--config", conf).code()).isZero();
        assertThat(jobs("completed")).hasSize(9);
        assertThat(caravan("dashboard", "--tracking", dir.resolve("tracking").toString()).out())
                .contains("All projects are completed (1)");
    }

    @Test
    void cancelStopsWaitingJobsAndTheCycleMovesThemToFailed() throws Exception {
        project(2);
        fake.runnableFor = Duration.ofMinutes(5);
        assertThat(caravan("project", "submit", "p1", "--config", conf).code()).isZero();
        CliTest.Result noYes = caravan("project", "cancel", "p1", "--config", conf);
        assertThat(noYes.code()).isEqualTo(2);
        assertThat(noYes.err()).contains("add --yes");
        assertThat(fake.calls("canceljob")).isZero();
        CliTest.Result c = caravan("project", "cancel", "p1", "--status", "RUNNABLE", "--reason", "wrong reference", "--yes",
                "--config", conf);
        assertThat(c.code()).as(c.err()).isZero();
        // the two trims were RUNNABLE, the rest PENDING behind them
        assertThat(c.out()).contains("cancelled 2 jobs on AWS Batch");
        assertThat(fake.calls("canceljob")).isEqualTo(2);
        assertThat(jobs("failed")).hasSize(6); // the trims and, by dependency, everything after them
    }

    @Test
    void aLargeSubmissionKeepsUnderTheAccountRateWithoutDuplicates() throws Exception {
        project(100); // 300 jobs
        fake.limitSubmitRate(100);
        Files.writeString(Path.of(conf), Files.readString(Path.of(conf)) + "caravan.env.aws.submit-rate=100\n");
        long t0 = System.nanoTime();
        CliTest.Result submit = caravan("project", "submit", "p1", "--config", conf);
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(submit.code()).as(submit.err()).isZero();
        assertThat(fake.jobs()).hasSize(300);
        assertThat(fake.namesCount().values()).containsOnly(1);
        assertThat(fake.throttled.get()).as("throttled answers").isLessThanOrEqualTo(3); // < 1%
        assertThat(jobs("queued")).hasSize(300);
        assertThat(secs).isGreaterThan(1.5); // paced: 300 at 100/s after a burst of 100
        // every run id is in the tree
        try (Stream<Path> s = Files.walk(dir.resolve("tracking/jobs/p1/rna/queued"))) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("run.")).count()).isEqualTo(300);
        }
    }

    @Test
    void theDaemonFollowsJobsThatRunForAWhile() throws Exception {
        project(2);
        fake.runnableFor = Duration.ofMillis(500);
        fake.runningFor = Duration.ofSeconds(2);
        assertThat(caravan("project", "submit", "p1", "--config", conf).code()).isZero();
        Map<String, String> s = new java.util.LinkedHashMap<>();
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(Path.of(conf))) {
            p.load(r);
        }
        p.forEach((k, v) -> s.put((String) k, (String) v));
        try (DaemonHarness d = DaemonHarness.start(dir, s)) {
            d.cycle();
            assertThat(d.engine().inspect(t -> t.index()).inState(State.COMPLETED)).hasSizeLessThan(6);
            Poll.until("all completed", Duration.ofSeconds(20), () -> {
                d.cycle();
                return d.engine().inspect(t -> t.index()).inState(State.COMPLETED).size() == 6;
            });
        }
        assertThat(fake.jobs()).hasSize(6);
    }
}
