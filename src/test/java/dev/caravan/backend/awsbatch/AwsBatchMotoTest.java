package dev.caravan.backend.awsbatch;

import dev.caravan.emulators.awsbatch.MotoServer;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.Environment;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The awsbatch backend against moto_server: Batch (no Docker: jobs succeed at once), S3. */
class AwsBatchMotoTest {

    private static MotoServer moto;
    private AwsBatchBackend backend;

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

    @BeforeEach
    void setUp() throws Exception {
        moto.reset();
        moto.setUpBatch(new String[]{"q1", "q2"}, "align", "call");
        try (S3Client s3 = moto.s3()) {
            s3.createBucket(b -> b.bucket("out"));
        }
        Environment env = new Environment("aws", "awsbatch", 100, 0, Map.of("region", "us-east-1",
                "endpoint", moto.endpoint().toString(), "job-queue", "q1"));
        backend = (AwsBatchBackend) new AwsBatchBackendFactory().create(env, new BackendContext(dir, Clock.systemUTC()));
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    private static SubmitRequest req(String job, Map<String, Object> params, List<String> deps) {
        return new SubmitRequest(new JobRef("proj", "wf", job), params, "proj/wf/" + job + "#1-0a0b", 1, Optional.empty(), deps);
    }

    private void put(String key) {
        try (S3Client s3 = moto.s3()) {
            s3.putObject(b -> b.bucket("out").key(key), RequestBody.fromString("x"));
        }
    }

    @Test
    void submitsAChainAndPollsItToCompletion() throws Exception {
        Map<String, Object> p1 = Map.of("job_definition", "align", "parameters", Map.of("input", "s3://in/S1.fq"),
                "container_overrides", Map.of("vcpus", 2, "memory", 256), "timeout", 600);
        String a = backend.submit(req("S1.01-align", p1, List.of()));
        String b = backend.submit(req("S1.02-call", Map.of("job_definition", "call:1", "job_queue", "q2"), List.of(a)));
        try (BatchClient batch = moto.batch()) {
            List<JobDetail> d = batch.describeJobs(r -> r.jobs(a, b)).jobs();
            JobDetail da = d.stream().filter(x -> x.jobId().equals(a)).findFirst().orElseThrow();
            JobDetail db = d.stream().filter(x -> x.jobId().equals(b)).findFirst().orElseThrow();
            assertThat(da.jobName()).isEqualTo("proj_wf_S1_01-align");
            assertThat(da.tags()).containsEntry("caravan:job", "proj/wf/S1.01-align").containsEntry("caravan:attempt", "1");
            assertThat(da.parameters()).containsEntry("input", "s3://in/S1.fq");
            assertThat(da.timeout().attemptDurationSeconds()).isEqualTo(600);
            assertThat(db.dependsOn()).extracting(x -> x.jobId()).containsExactly(a);
            assertThat(db.jobQueue()).endsWith("/q2");
        }
        Map<String, RunStatus> st = backend.poll(List.of(new RunHandle(new JobRef("proj", "wf", "S1.01-align"), a),
                new RunHandle(new JobRef("proj", "wf", "S1.02-call"), b)));
        assertThat(st.values()).extracting(RunStatus::phase).containsOnly(RunStatus.Phase.COMPLETED);
    }

    @Test
    void outputsOnS3SkipTheJobAndMissingOnesFailASucceededJob() throws Exception {
        put("proj/S1/align.bam");
        put("proj/S10/call.vcf");
        Map<String, Object> done = Map.of("job_definition", "align", "outputs", List.of("s3://out/proj/S1/align.bam"));
        String skipped = backend.submit(req("S1.01-align", done, List.of()));
        assertThat(skipped).startsWith("skipped-");
        // whole keys: proj/S10/call.vcf is not proj/S1/call.vcf
        Map<String, Object> notDone = Map.of("job_definition", "call", "outputs", List.of("s3://out/proj/S1/call.vcf"));
        String ran = backend.submit(req("S1.02-call", notDone, List.of(skipped)));
        assertThat(ran).doesNotStartWith("skipped-");
        Map<String, RunStatus> st = backend.poll(List.of(new RunHandle(new JobRef("proj", "wf", "S1.01-align"), skipped),
                new RunHandle(new JobRef("proj", "wf", "S1.02-call"), ran)));
        assertThat(st.get(skipped).phase()).isEqualTo(RunStatus.Phase.COMPLETED);
        assertThat(st.get(ran).phase()).isEqualTo(RunStatus.Phase.FAILED);
        assertThat(st.get(ran).detail()).contains("SUCCEEDED, but outputs are missing: s3://out/proj/S1/call.vcf");
        // the output appears: the next poll lists the folder again and completes the job
        put("proj/S1/call.vcf");
        assertThat(backend.poll(List.of(new RunHandle(new JobRef("proj", "wf", "S1.02-call"), ran))).get(ran).phase())
                .isEqualTo(RunStatus.Phase.COMPLETED);
        assertThat(backend.stats().submitCalls.get()).isEqualTo(1);
    }

    @Test
    void pollTakesOneDescribeJobsCallPerHundredJobs() throws Exception {
        List<RunHandle> handles = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            String id = backend.submit(req("S" + i + ".01-align", Map.of("job_definition", "align"), List.of()));
            handles.add(new RunHandle(new JobRef("proj", "wf", "S" + i + ".01-align"), id));
        }
        long before = backend.stats().describeCalls.get();
        for (int i = 0; i < handles.size(); i += backend.pollBatchSize()) {
            backend.poll(handles.subList(i, Math.min(handles.size(), i + backend.pollBatchSize())));
        }
        assertThat(backend.stats().describeCalls.get() - before).isEqualTo(3);
    }

    @Test
    void anUnknownQueueOrDefinitionIsRefusedNamingIt() throws Exception {
        assertThatThrownBy(() -> backend.submit(req("S1.01-align", Map.of("job_definition", "align", "job_queue", "nope"),
                List.of()))).isInstanceOf(BackendException.class).hasMessageContaining("nope")
                .matches(e -> ((BackendException) e).kind() == BackendException.Kind.BAD_INPUT, "bad input");
        assertThat(backend.missingQueues(List.of("q1", "nope"))).containsExactly("nope");
        assertThat(backend.missingJobDefinitions(List.of("align", "align:1", "align:7", "zzz"))).containsExactly("align:7", "zzz");
    }

    @Test
    void cancelAndTerminateReachMoto() throws Exception {
        String id = backend.submit(req("S1.01-align", Map.of("job_definition", "align"), List.of()));
        // moto without Docker ends jobs at once: cancel sees it ended and does nothing
        backend.cancel(new RunHandle(new JobRef("proj", "wf", "S1.01-align"), id), "test");
        assertThat(backend.stats().cancelCalls.get() + backend.stats().terminateCalls.get()).isZero();
        assertThatThrownBy(() -> backend.cancel(new RunHandle(new JobRef("proj", "wf", "x"), "no-such-job"), "test"))
                .hasMessageContaining("does not know");
    }
}
