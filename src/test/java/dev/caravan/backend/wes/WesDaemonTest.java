package dev.caravan.backend.wes;

import dev.caravan.testkit.FlowTest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.LogCapture;
import dev.caravan.testkit.Poll;
import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.model.RunMarker;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole daemon cycles through the YAML routes on the ICGC demo tree, with one {@code wes} environment
 * {@code rdpc-prod} in the argo dialect against the emulator: the demo's two queued runs are known to the
 * emulator as RUNNING, job.0005 waits in backlog, job.0002 failed on {@code rdpc-qa}.
 */
@FlowTest
class WesDaemonTest {

    static final Path DEMO = Path.of("../shared/fixtures/icgc/demo-jobs");
    static final String GROUP = "PACA-CA";
    static final String BATCH = "2021-06-20";
    static final String ENV = "rdpc-prod";
    /** Read through Camel's {{sys:...}} placeholder, as an operator would use {{env:...}}. */
    static final String SECRET_PROPERTY = "wes-daemon-test.client-secret";

    @TempDir
    Path dir;

    private WesEmulator emu;
    private SlackEmulator slack;
    private DaemonHarness daemon;
    private LogCapture log;
    private String clientSecret;
    private String apiToken;
    private String run3;
    private String run4;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DEMO), "../shared/fixtures/icgc/demo-jobs is absent (run from a"
                + " checkout next to ../shared): the daemon test needs the ICGC demo tree");
        run3 = queuedRunId("job.0003");
        run4 = queuedRunId("job.0004");
        clientSecret = "daemon-secret-" + WesFixture.random();
        apiToken = "daemon-api-token-" + WesFixture.random();
        emu = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient("caravan-daemon", clientSecret);
        for (String run : List.of(run3, run4)) {
            emu.preload(run, "RUNNING", UUID.randomUUID().toString());
        }
        slack = new SlackEmulator();
        log = LogCapture.attach();
        System.setProperty(SECRET_PROPERTY, clientSecret);
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty(SECRET_PROPERTY);
        if (daemon != null) {
            daemon.close();
        }
        if (log != null) {
            log.close();
        }
        if (slack != null) {
            slack.close();
        }
        if (emu != null) {
            emu.close();
        }
    }

    private static String queuedRunId(String job) throws IOException {
        try (Stream<Path> s = Files.list(DEMO.resolve(GROUP).resolve(BATCH).resolve("queued").resolve(job))) {
            RunMarker m = s.map(p -> RunMarker.parse(p.getFileName().toString())).flatMap(java.util.Optional::stream)
                    .findFirst().orElseThrow();
            assertThat(m.env()).isEqualTo(ENV);
            return m.runId();
        }
    }

    private void startDaemon(int maxParallel) throws Exception {
        Path seed = dir.resolve("seed");
        GitFixtures.copy(DEMO, seed.resolve("jobs"));
        Path remote = GitFixtures.bareRemote(dir.resolve("remote.git"), seed);
        Map<String, String> p = DaemonHarness.base(dir);
        // Camel Main logs every resolved caravan.* value at start-up ("Property-placeholders summary"); the daemon's
        // own sensitive keywords must mask the client secret and the api token there (no operator setting here)
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.slack.webhook-url", slack.url());
        p.putAll(emu.environmentSettings(ENV, "caravan-daemon", "{{sys:" + SECRET_PROPERTY + "}}", apiToken));
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(maxParallel));
        p.put("caravan.env." + ENV + ".excessive-failure-threshold", "0");
        daemon = DaemonHarness.start(dir, p);
    }

    private List<String> jobsIn(String state) throws IOException {
        Path d = dir.resolve("tracking/jobs").resolve(GROUP).resolve(BATCH).resolve(state);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isDirectory).map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> markers(String state, String job) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("tracking/jobs").resolve(GROUP).resolve(BATCH).resolve(state).resolve(job))) {
            return s.map(x -> x.getFileName().toString()).filter(RunMarker::isMarkerName).sorted().toList();
        }
    }

    @Test
    void cyclesFollowTheDemoRunsToTheEndAndReleaseTheBacklogJob() throws Exception {
        startDaemon(2);

        daemon.cycle(); // both demo runs still RUNNING: nothing moves, no free slot
        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0004");
        assertThat(jobsIn("backlog")).containsExactly("job.0005");
        assertThat(emu.count(Kind.GRAPHQL)).isEqualTo(1); // both runs in one query
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(1);

        emu.finish(run3, "COMPLETE");
        emu.finish(run4, "COMPLETE");
        daemon.cycle(); // both complete; job.0005 goes out in a free slot
        assertThat(jobsIn("completed")).containsExactly("job.0001", "job.0003", "job.0004");
        assertThat(jobsIn("queued")).containsExactly("job.0005");
        assertThat(jobsIn("failed")).containsExactly("job.0002"); // failed on rdpc-qa: never ours
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        WesEmulator.Run released = emu.runs().get(emu.runs().size() - 1);
        assertThat(markers("queued", "job.0005")).singleElement()
                .satisfies(m -> assertThat(m).matches("run\\.\\d+\\.rdpc-prod\\." + released.runId()));
        JsonNode params = released.workflowParams();
        assertThat(params.path("analysis_id").get(0).asText()).isEqualTo("a094f44f-e40d-436f-ae96-c5a0a53dc184");
        assertThat(params.path("download_cpus").asInt()).isEqualTo(10);
        assertThat(params.path("api_token").asText()).isEqualTo(apiToken);
        assertThat(released.engine("workDir")).startsWith("/nfs-1-c1/work/PACA-CA/2021-06-20/job.0005/1-");
        assertThat(released.engine("revision")).isEqualTo("azure-transfer-wf.v0.12.0");
        assertThat(released.tags()).containsEntry("caravan_job", "PACA-CA/2021-06-20/job.0005");

        emu.advanceAll();
        emu.advanceAll();
        emu.advanceAll();
        daemon.cycle();
        assertThat(jobsIn("completed")).containsExactly("job.0001", "job.0003", "job.0004", "job.0005");
        assertThat(daemon.engine().report()).isEqualTo("""
                PACA-CA backlog 0
                PACA-CA queued 0
                PACA-CA failed 1
                PACA-CA completed 4
                """);
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(1); // cached across cycles while valid

        String pushed = FlowFixture.git(dir.resolve("remote.git"), "ls-tree", "-r", "--name-only", "scheduler");
        assertThat(pushed).contains("jobs/PACA-CA/2021-06-20/completed/job.0005/run.")
                .contains("jobs/PACA-CA/2021-06-20/completed/job.0003/run.");
        Poll.until("Slack got the push summary", Duration.ofSeconds(10),
                () -> slack.anyContains("PACA-CA: backlog 0, queued 0, failed 1, completed 4"));
        assertNoSecretsLeft();
    }

    @Test
    void aTokenEndpointOutageIsCriticalAndReleasesNothing() throws Exception {
        emu.failTokens(503);
        startDaemon(3); // one free slot: job.0005 would go out

        daemon.cycle();
        assertThat(jobsIn("backlog")).containsExactly("job.0005");
        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0004");
        assertThat(emu.count(Kind.SUBMIT)).isZero();
        assertThat(emu.count(Kind.GRAPHQL)).isZero();
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(2); // one try and one retry (retries=1)
        Poll.until("a CRITICAL about rdpc-prod", Duration.ofSeconds(10),
                () -> slack.anyContains(":fire: CRITICAL") && slack.anyContains("rdpc-prod releases nothing this cycle"));
        assertThat(slack.texts()).filteredOn(t -> t.contains("CRITICAL")).singleElement()
                .satisfies(t -> assertThat(t).contains("token endpoint").contains("HTTP 503"));

        emu.failTokens(0); // the endpoint is back: the next cycle works as usual
        daemon.cycle();
        assertThat(jobsIn("queued")).containsExactly("job.0003", "job.0004", "job.0005");
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(3);
        assertNoSecretsLeft();
    }

    /** Not in Slack, the log, the tracking tree or the crash journal. */
    private void assertNoSecretsLeft() throws IOException, InterruptedException {
        List<String> secrets = new java.util.ArrayList<>(List.of(clientSecret, apiToken));
        secrets.addAll(emu.issuedTokens());
        String posts = String.join("\n", slack.texts());
        String logged = log.all();
        StringBuilder files = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir.resolve("tracking"))) {
            for (Path f : (Iterable<Path>) s::iterator) {
                boolean gitObject = f.toString().contains("/.git/objects/");
                if (Files.isRegularFile(f) && !gitObject) {
                    files.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
        }
        String committed = FlowFixture.git(dir.resolve("tracking"), "log", "-p", "--all");
        for (String secret : secrets) {
            assertThat(posts).doesNotContain(secret);
            assertThat(logged).doesNotContain(secret);
            assertThat(files.toString()).doesNotContain(secret);
            assertThat(committed).doesNotContain(secret);
        }
    }
}
