package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;

import dev.caravan.emulators.awsbatch.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.caravan.it.CliTest.caravan;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * aws-batch-helpers' project life cycle on Caravan against moto_server: import, create, submit (chains, outputs
 * already on S3 skipped), status, the daemon's cycle (SUCCEEDED without outputs is failed), resubmit with overrides,
 * dashboard, logs, queue status.
 */
@FlowTest
class ProjectCommandsTest {

    private static MotoServer moto;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.startOrSkip();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    static final String WORKFLOW = """
            {
              "workflow_name": "wgs",
              "bucket": "out",
              "ref": "hg38",
              "analyses": [
                {
                  "description": "align reads",
                  "job_definition": "align:1",
                  "queue": "q1",
                  "parameters": {"input": "{_filepath}", "ref": "{ref}", "output": "s3://{bucket}/{project_name}/{_sample}/align.bam"},
                  "containerOverrides": {"vcpus": 2, "memory": 256, "environment": [{"name": "SAMPLE", "value": "{_sample}"}]},
                  "outputs": ["s3://{bucket}/{project_name}/{_sample}/align.bam"],
                  "timeout": 7200
                },
                {
                  "name": "call",
                  "job_definition": "call",
                  "queue": "q1",
                  "parameters": {"input": "s3://{bucket}/{project_name}/{_sample}/align.bam"},
                  "outputs": ["s3://{bucket}/{project_name}/{_sample}/calls.vcf"]
                }
              ]
            }
            """;

    private Path config() throws Exception {
        Map<String, String> s = DaemonHarness.base(dir);
        s.put("caravan.env.aws.backend", "awsbatch");
        s.put("caravan.env.aws.region", "us-east-1");
        s.put("caravan.env.aws.endpoint", moto.endpoint().toString());
        s.put("caravan.env.aws.max-parallel-runs", "1000");
        s.put("caravan.env.aws.excessive-failure-threshold", "0");
        return DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
    }

    private void put(String key) {
        try (S3Client s3 = moto.s3()) {
            s3.putObject(b -> b.bucket("out").key(key), RequestBody.fromString("x"));
        }
    }

    private List<String> jobs(String state) throws Exception {
        Path d = dir.resolve("tracking/jobs/cohort1/wgs").resolve(state);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aProjectFromImportToResubmit() throws Exception {
        moto.reset();
        moto.setUpBatch(new String[]{"q1"}, "align", "call");
        try (S3Client s3 = moto.s3()) {
            s3.createBucket(b -> b.bucket("out"));
        }
        String conf = config().toString();
        Path csv = dir.resolve("metadata.csv");
        // 'ref' is a column and a workflow key: the column wins (aws-batch-helpers crashed here)
        Files.writeString(csv, "sample,file,ref\nS1,s3://in/S1.fq,hg19\nS2,s3://in/S2.fq,hg38\nS3,s3://in/S3.fq,hg38\n");
        Path wf = dir.resolve("workflow.json");
        Files.writeString(wf, WORKFLOW);

        CliTest.Result imp = caravan("project", "import", "cohort1", "--metadata", csv.toString(), "--config", conf);
        assertThat(imp.code()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("imported 3 samples into project cohort1");

        CliTest.Result create = caravan("project", "create", "cohort1", "--template", wf.toString(), "--config", conf);
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(create.out()).contains("3 samples x 2 analyses = 6 jobs on environment aws")
                .contains("metadata column 'ref' hides the workflow key 'ref'");
        assertThat(dir.resolve("tracking/jobs/cohort1/wgs/workflow.json")).hasContent(WORKFLOW.strip());

        put("cohort1/S1/align.bam"); // S1's alignment exists: not submitted again
        CliTest.Result submit = caravan("project", "submit", "cohort1", "--config", conf);
        assertThat(submit.code()).as(submit.err() + submit.out()).isZero();
        assertThat(submit.out()).contains("5 jobs on AWS Batch, 1 skipped (outputs already on S3)").contains("0 in the backlog");
        assertThat(jobs("queued")).containsExactly("S1.01-align", "S1.02-call", "S2.01-align", "S2.02-call", "S3.01-align",
                "S3.02-call");
        Path s2call = dir.resolve("tracking/jobs/cohort1/wgs/queued/S2.02-call");
        assertThat(s2call.resolve("after.S2.01-align")).exists();
        String params = Files.readString(s2call.resolve("params.json"));
        assertThat(params).contains("\"input\" : \"s3://out/cohort1/S2/align.bam\"").contains("\"job_queue\" : \"q1\"");
        assertThat(Files.readString(dir.resolve("tracking/jobs/cohort1/wgs/queued/S1.01-align/params.json")))
                .contains("\"ref\" : \"hg19\"").contains("\"value\" : \"S1\"");
        try (Stream<Path> s = Files.list(dir.resolve("tracking/jobs/cohort1/wgs/queued/S1.01-align"))) {
            assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("run\\.\\d+\\.aws\\.skipped-[0-9a-f]+"));
        }
        Map<String, JobDetail> onAws = new java.util.HashMap<>();
        try (BatchClient b = moto.batch()) {
            List<JobSummary> all = new ArrayList<>();
            for (var st : List.of("SUCCEEDED", "FAILED", "RUNNABLE", "SUBMITTED")) {
                all.addAll(b.listJobs(r -> r.jobQueue("q1").jobStatus(st)).jobSummaryList());
            }
            List<String> ids = all.stream().map(JobSummary::jobId).distinct().toList();
            b.describeJobs(r -> r.jobs(ids)).jobs().forEach(j -> onAws.put(j.jobName(), j));
        }
        assertThat(onAws).hasSize(5).containsKeys("cohort1_wgs_S1_02-call", "cohort1_wgs_S2_01-align");
        // S2's call runs after S2's align on AWS; S1's call after nothing (its align was skipped)
        assertThat(onAws.get("cohort1_wgs_S2_02-call").dependsOn()).extracting(d -> d.jobId())
                .containsExactly(onAws.get("cohort1_wgs_S2_01-align").jobId());
        assertThat(onAws.get("cohort1_wgs_S1_02-call").dependsOn()).isEmpty();
        assertThat(onAws.get("cohort1_wgs_S2_01-align").timeout().attemptDurationSeconds()).isEqualTo(7200);
        assertThat(onAws.get("cohort1_wgs_S2_02-call").timeout().attemptDurationSeconds()).isEqualTo(21600);

        CliTest.Result status = caravan("project", "status", "cohort1", "--config", conf);
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).containsPattern("queued\\s+6").containsPattern("SUCCEEDED\\s+5")
                .containsPattern("skipped\\s+1").contains("1 DescribeJobs calls for 5 jobs in flight");

        // moto's jobs succeed without writing anything: a SUCCEEDED job whose outputs are missing has failed
        put("cohort1/S2/align.bam");
        CliTest.Result cycle = caravan("cycle", "--once", "--config", conf);
        assertThat(cycle.code()).as(cycle.err()).isZero();
        assertThat(jobs("completed")).containsExactly("S1.01-align", "S2.01-align");
        assertThat(jobs("failed")).containsExactly("S1.02-call", "S2.02-call", "S3.01-align", "S3.02-call");

        CliTest.Result dash = caravan("dashboard", "--tracking", dir.resolve("tracking").toString());
        assertThat(dash.code()).as(dash.err()).isZero();
        assertThat(dash.out()).containsPattern("cohort1/wgs\\s+0\\s+0\\s+4\\s+2\\s+6").contains("Completed projects: 0");

        // the outputs arrive for S3 and S1's call; the rest gets more memory
        put("cohort1/S3/align.bam");
        put("cohort1/S3/calls.vcf");
        put("cohort1/S1/calls.vcf");
        Path ov = dir.resolve("more.json");
        Files.writeString(ov, "{\"containerOverrides\": {\"memory\": 512}, \"analyses\": {\"call\": {\"timeout\": 3600}}}");
        CliTest.Result re = caravan("project", "resubmit", "cohort1", "--overrides", ov.toString(), "--config", conf);
        assertThat(re.code()).as(re.err() + re.out()).isZero();
        assertThat(re.out()).contains("resubmitted 4 jobs").contains("1 jobs on AWS Batch, 3 skipped");
        assertThat(Files.readString(dir.resolve("tracking/jobs/cohort1/wgs/queued/S2.02-call/params.json")))
                .contains("\"memory\" : 512").contains("\"timeout\" : 3600");
        try (BatchClient b = moto.batch()) {
            List<JobSummary> calls = b.listJobs(r -> r.jobQueue("q1").filters(f -> f.name("JOB_NAME").values("cohort1_wgs_S2_02-call")))
                    .jobSummaryList();
            assertThat(calls).hasSize(2);
            JobDetail newest = b.describeJobs(r -> r.jobs(calls.stream().map(JobSummary::jobId).toList())).jobs().stream()
                    .filter(j -> "2".equals(j.tags().get("caravan:attempt"))).findFirst().orElseThrow();
            assertThat(newest.container().memory()).isEqualTo(512);
            assertThat(newest.timeout().attemptDurationSeconds()).isEqualTo(3600);
            // its align completed: the resubmitted call depends on nothing
            assertThat(newest.dependsOn()).isEmpty();
        }
        assertThat(FlowFixture.git(dir.resolve("tracking"), "log", "--format=%s")).contains("[project] import cohort1: 3 samples")
                .contains("[project] create cohort1/wgs on aws").contains("[project] submit cohort1/wgs: 6 jobs")
                .contains("[project] resubmit cohort1/wgs: 4 failed jobs with more.json");

        // logs: moto names each job's stream; give one of them events
        String id = onAws.get("cohort1_wgs_S2_01-align").jobId();
        try (CloudWatchLogsClient logs = moto.logs()) {
            logs.createLogGroup(b -> b.logGroupName("/aws/batch/job"));
            logs.createLogStream(b -> b.logGroupName("/aws/batch/job").logStreamName("align/default/" + id));
            logs.putLogEvents(b -> b.logGroupName("/aws/batch/job").logStreamName("align/default/" + id)
                    .logEvents(InputLogEvent.builder().timestamp(System.currentTimeMillis()).message("aligned 42 reads").build()));
        }
        Path out = dir.resolve("logs");
        CliTest.Result logs = caravan("project", "logs", "cohort1", "--out", out.toString(), "--config", conf);
        assertThat(logs.code()).as(logs.err()).isZero();
        assertThat(logs.out()).contains("wrote 1 log files");
        assertThat(out.resolve("SUCCEEDED.cohort1_wgs_S2_01-align." + id + ".log")).hasContent("aligned 42 reads");

        CliTest.Result q = caravan("queue", "status", "q1", "--config", conf);
        assertThat(q.code()).as(q.err()).isZero();
        assertThat(q.out()).containsPattern("SUCCEEDED\\s+6");
        CliTest.Result clear = caravan("queue", "clear", "q1", "--yes", "--config", conf);
        assertThat(clear.out()).contains("nothing to clear in q1");
        assertThat(caravan("queue", "status", "nope", "--config", conf).err()).contains("job queue 'nope' does not exist");
        CliTest.Result noEnv = caravan("queue", "status", "q1", "--env", "elsewhere", "--config", conf);
        assertThat(noEnv.code()).isEqualTo(2);
        assertThat(noEnv.err()).startsWith("caravan: no environment 'elsewhere'");
        // a file, not -D: in this JVM a -D would stay set for the tests after this one
        Path bad = Files.writeString(dir.resolve("bad.properties"), Files.readString(Path.of(conf)) + "\ncaravan.cycle.cron = never\n");
        CliTest.Result badSetting = caravan("queue", "status", "q1", "--config", bad.toString());
        assertThat(badSetting.code()).isEqualTo(2);
        assertThat(badSetting.err()).contains("caravan.cycle.cron");
    }
}
