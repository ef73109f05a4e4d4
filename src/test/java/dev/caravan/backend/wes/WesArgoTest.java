package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.model.RunStatus;
import dev.caravan.model.RunStatus.Phase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The backend against an ICGC-ARGO RDPC emulator: JSON submissions, states from GraphQL, integer page tokens. */
class WesArgoTest {

    @TempDir
    Path dir;

    private WesEmulator emu;
    private WesFixture fx;

    @BeforeEach
    void start() throws Exception {
        emu = WesEmulator.start(WesEmulator.Dialect.ARGO);
        fx = new WesFixture(emu, dir);
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    private static RunHandle handle(String jobId, String runId) {
        return new RunHandle(WesFixture.job(jobId), runId);
    }

    @Test
    void submitsAJsonRunRequestWithSnakeCaseEngineParams() throws Exception {
        WesBackend b = fx.backend();
        SubmitRequest req = WesFixture.request("job.0005");
        String runId = b.submit(req);
        assertThat(runId).matches("wes-[0-9a-f]{32}");

        WesEmulator.Request post = emu.requests(Kind.SUBMIT).get(0);
        assertThat(post.contentType()).startsWith("application/json");
        JsonNode body = WesOpenApi.tree(post.bodyText());
        assertThat(body.path("workflow_url").asText()).isEqualTo(WesFixture.WORKFLOW_URL);
        assertThat(body.path("workflow_params").path("study_id").asText()).isEqualTo("PACA-CA");
        assertThat(body.path("workflow_params").path("api_token").asText()).isEqualTo(WesFixture.API_TOKEN);
        JsonNode engine = body.path("workflow_engine_params");
        String key = req.token().substring(req.token().indexOf('#') + 1);
        // RDPC reads its run request in snake_case and drops unknown keys: camelCase directories would be lost
        assertThat(engine.path("launch_dir").asText()).isEqualTo("/nfs-1-c1/launch/PACA-CA/2021-06-20/job.0005/" + key);
        assertThat(engine.path("project_dir").asText()).isEqualTo("/nfs-1-c1/project/PACA-CA/2021-06-20/job.0005/" + key);
        assertThat(engine.path("work_dir").asText()).isEqualTo("/nfs-1-c1/work/PACA-CA/2021-06-20/job.0005/" + key);
        assertThat(engine.has("launchDir") || engine.has("projectDir") || engine.has("workDir")).isFalse();
        assertThat(emu.run(runId).engine("work_dir")).isEqualTo("/nfs-1-c1/work/PACA-CA/2021-06-20/job.0005/" + key);
        assertThat(engine.path("revision").asText()).isEqualTo(WesFixture.REVISION);
        assertThat(engine.path("offline").isBoolean()).isTrue();
        assertThat(engine.has("resume")).isFalse();
        assertThat(body.path("tags").path("caravan_token").asText()).isEqualTo(req.token());
        assertThat(body.has("workflow_type")).isFalse();
    }

    @Test
    void pollsManyRunsInOneGraphqlRequestAndMapsTheirStates() throws Exception {
        WesBackend b = fx.backend();
        assertThat(b.pollBatchSize()).isEqualTo(100);
        String a = b.submit(WesFixture.request("job.0001"));
        String c = b.submit(WesFixture.request("job.0002"));
        String d = b.submit(WesFixture.request("job.0003"));
        List<RunHandle> all = List.of(handle("job.0001", a), handle("job.0002", c), handle("job.0003", d));
        emu.resetCounts();

        assertThat(b.poll(all)).containsEntry(a, RunStatus.inFlight("QUEUED")).containsEntry(c, RunStatus.inFlight("QUEUED"));
        assertThat(emu.count(Kind.GRAPHQL)).isEqualTo(1);
        String query = WesOpenApi.tree(emu.requests(Kind.GRAPHQL).get(0).bodyText()).path("query").asText();
        assertThat(query).contains("r0: runs(filter: {runId: $r0}) { content {").contains("r2: runs(filter: {runId: $r2})")
                .contains("sessionId").contains("errorReport").contains("engineParameters");
        assertThat(emu.responseViolations()).isEmpty();

        emu.advanceAll();
        emu.advanceAll();
        emu.advance(a);
        emu.finish(c, "EXECUTOR_ERROR", JsonNodeFactory.instance.textNode("Process `download` terminated with an error exit status (1)"));
        var st = b.poll(all);
        assertThat(st.get(a)).isEqualTo(RunStatus.completed("COMPLETE"));
        assertThat(st.get(c)).isEqualTo(RunStatus.failed("EXECUTOR_ERROR: Process `download` terminated with an error exit status (1)"));
        assertThat(st.get(d)).isEqualTo(RunStatus.inFlight("RUNNING"));
        assertThat(emu.count(Kind.GRAPHQL)).isEqualTo(2);
        assertThat(emu.count(Kind.STATUS) + emu.count(Kind.RUN_LOG)).isZero();
    }

    @Test
    void moreThanABatchGoesInOneRequestPerHundred() throws Exception {
        List<RunHandle> many = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String id = "wes-" + UUID.randomUUID().toString().replace("-", "");
            emu.preload(id, "RUNNING", UUID.randomUUID().toString());
            many.add(handle("job.0001", id));
        }
        var st = fx.backend().poll(many);
        assertThat(st).hasSize(150).allSatisfy((id, s) -> assertThat(s).isEqualTo(RunStatus.inFlight("RUNNING")));
        assertThat(emu.count(Kind.GRAPHQL)).isEqualTo(2);
    }

    @Test
    void aRunRdpcDoesNotKnowIsUnknown() throws Exception {
        RunStatus st = fx.backend().poll(List.of(handle("job.0003", "wes-5da0c38ed88c4d1ab758f4c2ef268483"))).get(
                "wes-5da0c38ed88c4d1ab758f4c2ef268483");
        assertThat(st.phase()).isEqualTo(Phase.UNKNOWN);
        assertThat(st.detail()).contains("wes-5da0c38ed88c4d1ab758f4c2ef268483");
    }

    @Test
    void oddErrorReportsNeverCrashThePoll() throws Exception {
        WesBackend b = fx.backend();
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> odd = new ArrayList<>();
        odd.add(null);
        odd.add(f.nullNode());
        odd.add(f.textNode(""));
        odd.add(f.numberNode(-1));
        odd.add(f.booleanNode(false));
        odd.add(f.objectNode().put("message", "pod evicted").set("exitCodes", f.arrayNode().add(137).add(f.nullNode())));
        odd.add(f.arrayNode().add("a").add(f.objectNode()).add(f.arrayNode().add(f.arrayNode())));
        odd.add(f.textNode("tail:\n" + "ERROR ".repeat(50_000)));
        odd.add(f.textNode("\u0000\u0007\u001b[1m\u202e spoof \ud83d\ude00 \udc00"));
        odd.add(f.textNode("curl -H 'Authorization: " + WesFixture.API_TOKEN + "' failed"));
        for (JsonNode report : odd) {
            String id = b.submit(WesFixture.request("job.0004"));
            emu.finish(id, "SYSTEM_ERROR", report);
            RunStatus st = b.poll(List.of(handle("job.0004", id))).get(id);
            assertThat(st.phase()).as("errorReport %s", report).isEqualTo(Phase.FAILED);
            assertThat(st.detail()).startsWith("SYSTEM_ERROR").hasSizeLessThan(1000)
                    .doesNotContain("\n", "\u0000", "\u0007", "\u001b", WesFixture.API_TOKEN);
        }
        // odd states are in flight, not a crash
        for (String state : new String[]{"", "weird", "running"}) {
            String id = b.submit(WesFixture.request("job.0004"));
            emu.finish(id, state);
            assertThat(b.poll(List.of(handle("job.0004", id))).get(id).phase()).as(state).isEqualTo(Phase.IN_FLIGHT);
        }
    }

    @Test
    void aFailedRunIsResumedWithItsGraphqlSessionInItsOwnDirectories() throws Exception {
        WesBackend b = fx.backend();
        String first = b.submit(WesFixture.request("job.0005"));
        emu.advanceAll();
        emu.advanceAll();
        String session = emu.run(first).sessionId();
        assertThat(session).isNotNull();
        emu.finish(first, "EXECUTOR_ERROR");

        emu.resetCounts();
        String second = b.submit(WesFixture.request("job.0005", 2, Optional.of(WesFixture.marker(first))));
        assertThat(emu.count(Kind.GRAPHQL)).isEqualTo(1);
        WesEmulator.Run before = emu.run(first);
        WesEmulator.Run after = emu.run(second);
        assertThat(after.engine("resume")).isEqualTo(session);
        for (String d : List.of("launchDir", "projectDir", "workDir")) {
            assertThat(after.engine(d)).as(d).isEqualTo(before.engine(d)).isNotNull();
        }
        emu.advanceAll();
        emu.advanceAll();
        assertThat(emu.run(second).sessionId()).isEqualTo(session); // Nextflow keeps the session on -resume
    }

    @Test
    void aRunThatNeverLaunchedStartsFreshInNewDirectories() throws Exception {
        WesBackend b = fx.backend();
        String first = b.submit(WesFixture.request("job.0005"));
        emu.advance(first); // INITIALIZING, never RUNNING
        emu.finish(first, "SYSTEM_ERROR");
        String second = b.submit(WesFixture.request("job.0005", 2, Optional.of(WesFixture.marker(first))));
        WesEmulator.Run after = emu.run(second);
        assertThat(after.engine("resume")).isNull();
        assertThat(after.engine("workDir")).isNotEqualTo(emu.run(first).engine("workDir"));
    }

    @Test
    void findSubmissionPagesWithIntegerTokens() throws Exception {
        emu.pageSize(2);
        WesBackend b = fx.backend();
        SubmitRequest oldest = WesFixture.request("job.0001");
        String id = b.submit(oldest);
        for (int i = 2; i <= 5; i++) {
            b.submit(WesFixture.request("job.000" + i));
        }
        emu.resetCounts();
        assertThat(b.findSubmission(oldest)).contains(id);
        assertThat(emu.requests(Kind.LIST)).extracting(WesEmulator.Request::rawQuery)
                .containsExactly("page_size=100", "page_size=100&page_token=1", "page_size=100&page_token=2");
        emu.resetCounts();
        assertThat(b.findSubmission(WesFixture.request("job.0009"))).isEmpty();
        assertThat(emu.count(Kind.LIST)).isEqualTo(3); // the last page has no next_page_token
    }

    @Test
    void aGraphqlAnswerWithoutDataIsABackendProblem() throws Exception {
        WesBackend b = fx.backend();
        emu.failNext(Kind.GRAPHQL, 1, 400);
        assertThatThrownBy(() -> b.poll(List.of(handle("job.0001", "wes-1"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("GraphQL").hasMessageContaining("HTTP 400")
                .matches(e -> ((BackendException) e).kind() == BackendException.Kind.BAD_INPUT, "bad input");
        emu.failNext(Kind.GRAPHQL, 2, 502);
        assertThat(b.poll(List.of(handle("job.0001", "wes-1"))).get("wes-1").phase()).isEqualTo(Phase.UNKNOWN);
        assertThat(emu.count(Kind.GRAPHQL)).isEqualTo(4);
    }

    @Test
    void settingsNameTheArgoKeys() {
        assertThatThrownBy(() -> fx.backend(Map.of("graphql-url", "")))
                .isInstanceOf(dev.caravan.settings.ConfigException.class)
                .hasMessageStartingWith("setting caravan.env.rdpc-test.graphql-url: is required with caravan.env.rdpc-test.wes-dialect=argo");
    }
}
