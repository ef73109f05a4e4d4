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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backend against a GA4GH WES 1.1.0 emulator. When ../shared is present, every request the emulator receives is
 * validated against the official OpenAPI file (a violation is answered 400 and fails the test in {@link #stop()}),
 * and so is every answer the emulator gives (to keep it honest), except where a test sends off-spec text on purpose.
 */
class WesGa4ghTest {

    @TempDir
    static Path specDir;
    /** The official spec with its remote $ref stubbed; null when ../shared is absent. */
    private static WesOpenApi spec;

    @TempDir
    Path dir;

    private WesEmulator emu;
    private WesFixture fx;
    private boolean specChecked;
    private boolean offSpecAnswers;
    private int violationsExpected;

    @BeforeAll
    static void loadSpec() throws Exception {
        spec = Files.isRegularFile(WesOpenApi.SPEC) ? WesOpenApi.load(specDir) : null;
    }

    @BeforeEach
    void start() throws Exception {
        emu = WesEmulator.start(WesEmulator.Dialect.GA4GH);
        if (spec != null) {
            spec.guard(emu);
            emu.inspectResponses(spec::checkResponse);
            specChecked = true;
        }
        fx = new WesFixture(emu, dir);
    }

    @AfterEach
    void stop() {
        try {
            assertThat(emu.violations()).as("requests the official WES 1.1.0 OpenAPI file rejects")
                    .hasSize(violationsExpected);
            if (!offSpecAnswers) {
                assertThat(emu.responseViolations()).as("emulator answers off the WES 1.1.0 spec").isEmpty();
            }
        } finally {
            emu.close();
        }
    }

    private static RunHandle handle(String jobId, String runId) {
        return new RunHandle(WesFixture.job(jobId), runId);
    }

    private RunStatus poll(WesBackend b, String jobId, String runId) throws BackendException {
        return b.poll(List.of(handle(jobId, runId))).get(runId);
    }

    @Test
    void submitsAMultipartRunRequestAndFollowsItToCompletion() throws Exception {
        WesBackend b = fx.backend();
        SubmitRequest req = WesFixture.request("job.0005");
        String runId = b.submit(req);

        WesEmulator.Run run = emu.run(runId);
        assertThat(run.workflowUrl()).isEqualTo(WesFixture.WORKFLOW_URL);
        assertThat(run.workflowType()).isEqualTo("NFL");
        assertThat(run.workflowTypeVersion()).isEqualTo("21.04");
        assertThat(run.workflowParams().path("study_id").asText()).isEqualTo("PACA-CA");
        assertThat(run.workflowParams().path("analysis_id").get(0).asText()).isEqualTo("a094f44f-e40d-436f-ae96-c5a0a53dc184");
        assertThat(run.workflowParams().path("api_token").asText()).isEqualTo(WesFixture.API_TOKEN);
        assertThat(run.tags()).containsEntry("caravan_job", "PACA-CA/2021-06-20/job.0005")
                .containsEntry("caravan_token", req.token()).containsEntry("caravan_attempt", "1");
        String key = req.token().substring(req.token().indexOf('#') + 1);
        assertThat(run.engine("launch_dir")).isEqualTo("/nfs-1-c1/launch/PACA-CA/2021-06-20/job.0005/" + key);
        assertThat(run.engine("project_dir")).isEqualTo("/nfs-1-c1/project/PACA-CA/2021-06-20/job.0005/" + key);
        assertThat(run.engine("work_dir")).isEqualTo("/nfs-1-c1/work/PACA-CA/2021-06-20/job.0005/" + key);
        assertThat(run.engine("revision")).isEqualTo(WesFixture.REVISION);
        assertThat(run.engine("offline")).isEqualTo("true");
        assertThat(run.engine("resume")).isNull();
        // the JSON fields travel as JSON text in a multipart form
        WesEmulator.Request post = emu.requests(Kind.SUBMIT).get(0);
        assertThat(post.contentType()).startsWith("multipart/form-data; boundary=");
        assertThat(post.bodyText()).contains("name=\"workflow_params\"").contains("name=\"workflow_engine_parameters\"")
                .contains("name=\"tags\"").contains("name=\"workflow_type_version\"");

        assertThat(poll(b, "job.0005", runId)).isEqualTo(RunStatus.inFlight("QUEUED"));
        emu.advanceAll();
        assertThat(poll(b, "job.0005", runId)).isEqualTo(RunStatus.inFlight("INITIALIZING"));
        emu.advanceAll();
        assertThat(poll(b, "job.0005", runId)).isEqualTo(RunStatus.inFlight("RUNNING"));
        emu.advanceAll();
        assertThat(poll(b, "job.0005", runId)).isEqualTo(RunStatus.completed("COMPLETE"));
        // one status call per run per poll; the run log only for failures
        assertThat(emu.count(Kind.STATUS)).isEqualTo(4);
        assertThat(emu.count(Kind.RUN_LOG)).isZero();
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(1);
    }

    @Test
    void freshRunsTakeTheNfsRootsInTurn() throws Exception {
        WesBackend b = fx.backend();
        List<String> roots = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String id = b.submit(WesFixture.request("job.000" + i));
            roots.add(emu.run(id).engine("work_dir").split("/")[1]);
        }
        assertThat(roots).containsExactly("nfs-1-c1", "nfs-1-c2", "nfs-1-c1");
    }

    @Test
    void failedStatesFailWithTheRunsOwnWordsAndTheRestStaysInFlight() throws Exception {
        WesBackend b = fx.backend();
        String failed = b.submit(WesFixture.request("job.0001"));
        emu.advance(failed);
        emu.advance(failed);
        emu.finish(failed, "EXECUTOR_ERROR", JsonNodeFactory.instance.arrayNode()
                .add("Error executing process > 'download (1)'").add("Caused by: score client exited with 1"));
        RunStatus st = poll(b, "job.0001", failed);
        assertThat(st.phase()).isEqualTo(Phase.FAILED);
        assertThat(st.detail()).startsWith("EXECUTOR_ERROR: exit code 1")
                .contains("Caused by: score client exited with 1").doesNotContain("Session ID");
        assertThat(emu.count(Kind.RUN_LOG)).isEqualTo(1);

        for (String state : List.of("SYSTEM_ERROR", "CANCELED", "PREEMPTED")) {
            String id = b.submit(WesFixture.request("job.0002"));
            emu.finish(id, state);
            assertThat(poll(b, "job.0002", id)).isEqualTo(RunStatus.failed(state));
        }
        for (String state : List.of("UNKNOWN", "PAUSED", "CANCELING", "INITIALIZING")) {
            String id = b.submit(WesFixture.request("job.0003"));
            emu.finish(id, state);
            assertThat(poll(b, "job.0003", id)).isEqualTo(RunStatus.inFlight(state));
        }
    }

    @Test
    void oddErrorTextNeverCrashesThePoll() throws Exception {
        offSpecAnswers = true; // system_logs of other types than string, on purpose
        WesBackend b = fx.backend();
        List<JsonNode> odd = List.of(
                JsonNodeFactory.instance.nullNode(),
                JsonNodeFactory.instance.numberNode(137),
                JsonNodeFactory.instance.objectNode().put("error", "OOM").set("nested", JsonNodeFactory.instance.arrayNode().add(1)),
                JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.nullNode()).add(JsonNodeFactory.instance.arrayNode()),
                JsonNodeFactory.instance.textNode("x".repeat(100_000)),
                JsonNodeFactory.instance.textNode("line1\n\tline2\r\n\u0000\u001b[31mred\u001b[0m \ud800 lone surrogate"),
                JsonNodeFactory.instance.textNode("Error: params were {api_token=" + WesFixture.API_TOKEN + "}"),
                JsonNodeFactory.instance.textNode(""));
        for (JsonNode report : odd) {
            String id = b.submit(WesFixture.request("job.0004"));
            emu.finish(id, "SYSTEM_ERROR", report);
            RunStatus st = poll(b, "job.0004", id);
            assertThat(st.phase()).as("report %s", report).isEqualTo(Phase.FAILED);
            assertThat(st.detail()).startsWith("SYSTEM_ERROR").hasSizeLessThan(1000)
                    .doesNotContain("\n", "\r", "\t", "\u0000", "\u001b", WesFixture.API_TOKEN);
        }
    }

    @Test
    void aRunTheServerDoesNotKnowIsUnknown() throws Exception {
        WesBackend b = fx.backend();
        RunStatus st = poll(b, "job.0003", "wes-5da0c38ed88c4d1ab758f4c2ef268483");
        assertThat(st.phase()).isEqualTo(Phase.UNKNOWN);
        assertThat(st.detail()).contains("404").contains("wes-5da0c38ed88c4d1ab758f4c2ef268483");
    }

    @Test
    void findSubmissionPagesThroughTheRunListUntilTheEmptyToken() throws Exception {
        emu.pageSize(2);
        WesBackend b = fx.backend();
        SubmitRequest oldest = WesFixture.request("job.0001");
        String oldestId = b.submit(oldest);
        for (int i = 2; i <= 7; i++) {
            b.submit(WesFixture.request("job.000" + i));
        }
        emu.resetCounts();
        assertThat(b.findSubmission(oldest)).contains(oldestId); // newest first: the oldest is on the last page
        assertThat(emu.count(Kind.LIST)).isEqualTo(4);
        List<WesEmulator.Request> pages = emu.requests(Kind.LIST);
        assertThat(pages.get(0).rawQuery()).isEqualTo("page_size=100");
        assertThat(pages.get(1).rawQuery()).startsWith("page_size=100&page_token=");

        emu.resetCounts();
        assertThat(b.findSubmission(WesFixture.request("job.0009"))).isEmpty();
        assertThat(emu.count(Kind.LIST)).isEqualTo(4); // stopped at next_page_token ""
    }

    @Test
    void listingEntriesWithoutTagsAreMatchedOnTheirRunLog() throws Exception {
        emu.listWithTags(false);
        WesBackend b = fx.backend();
        SubmitRequest first = WesFixture.request("job.0001");
        String id = b.submit(first);
        b.submit(WesFixture.request("job.0002"));
        emu.resetCounts();
        assertThat(b.findSubmission(first)).contains(id);
        assertThat(emu.count(Kind.RUN_LOG)).isEqualTo(2);
    }

    @Test
    void aLostAnswerToPostRunsDoesNotMakeASecondRun() throws Exception {
        WesBackend b = fx.backend();
        emu.loseNextResponse(Kind.SUBMIT);
        SubmitRequest req = WesFixture.request("job.0005");
        String runId = b.submit(req);
        assertThat(emu.runs()).extracting(WesEmulator.Run::runId).containsExactly(runId);
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        assertThat(emu.count(Kind.LIST)).isEqualTo(1);
        assertThat(emu.run(runId).tags()).containsEntry("caravan_token", req.token());
    }

    @Test
    void serverErrorsAreRetriedUntilTheyPass() throws Exception {
        WesBackend b = fx.backend();
        emu.failNext(Kind.SUBMIT, 2, 503);
        String runId = b.submit(WesFixture.request("job.0005"));
        assertThat(emu.runs()).hasSize(1);
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(3);
        assertThat(emu.count(Kind.LIST)).isEqualTo(2); // looked up by tag before each resend

        emu.failNext(Kind.STATUS, 3, 500);
        assertThat(poll(b, "job.0005", runId)).isEqualTo(RunStatus.inFlight("QUEUED"));
        assertThat(emu.count(Kind.STATUS)).isEqualTo(4);

        emu.failNext(Kind.STATUS, 1, 429); // too many requests: later, not never
        assertThat(poll(b, "job.0005", runId)).isEqualTo(RunStatus.inFlight("QUEUED"));
        assertThat(emu.count(Kind.STATUS)).isEqualTo(6);
    }

    @Test
    void aThrottledSubmitWaitsWhatRetryAfterAsksAndIsNotLookedUp() throws Exception {
        WesBackend b = fx.backend(); // its own backoff is 1 ms: only Retry-After can make it wait
        emu.throttleNext(Kind.SUBMIT, 1, 1);
        long t0 = System.nanoTime();
        String runId = b.submit(WesFixture.request("job.0005"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(emu.runs()).extracting(WesEmulator.Run::runId).containsExactly(runId);
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(2);
        assertThat(emu.count(Kind.LIST)).isZero(); // a 429 was refused before acting: nothing to look up
    }

    @Test
    void retryAfterIsReadInSecondsOrAsADate() {
        assertThat(Transport.retryAfter(Optional.of("7"))).isEqualTo(Duration.ofSeconds(7));
        String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
        assertThat(Transport.retryAfter(Optional.of(inTenSeconds))).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(Transport.retryAfter(Optional.of("soon"))).isNull();
        assertThat(Transport.retryAfter(Optional.empty())).isNull();
    }

    @Test
    void aGatewayErrorAfterTheRunWasMadeOrALateAnswerFindsTheRunInsteadOfMakingASecond() throws Exception {
        WesBackend b = fx.backend(Map.of("timeout", "300ms"));
        emu.failNextAfterActing(Kind.SUBMIT, 1, 504);
        SubmitRequest first = WesFixture.request("job.0005");
        String one = b.submit(first);
        emu.slowNext(Kind.SUBMIT, 1, Duration.ofMillis(900));
        SubmitRequest second = WesFixture.request("job.0006");
        String two = b.submit(second);
        assertThat(emu.runs()).extracting(WesEmulator.Run::runId).containsExactly(one, two);
        assertThat(emu.run(one).tags()).containsEntry("caravan_token", first.token());
        assertThat(emu.run(two).tags()).containsEntry("caravan_token", second.token());
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(2);
    }

    @Test
    void aServerThatKeepsFailingGivesUpNamingTheJob() throws Exception {
        WesBackend b = fx.backend(Map.of("retries", "1"));
        emu.failNext(Kind.SUBMIT, 5, 500);
        assertThatThrownBy(() -> b.submit(WesFixture.request("job.0005")))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("job PACA-CA/2021-06-20/job.0005")
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("tried 2 times")
                .matches(e -> ((BackendException) e).kind() == BackendException.Kind.RETRYABLE, "retryable");
        assertThat(emu.runs()).isEmpty();
    }

    @Test
    void aRequestThatTimesOutIsRetried() throws Exception {
        WesBackend b = fx.backend(Map.of("timeout", "300ms"));
        emu.delayNext(Kind.SUBMIT, 1);
        String runId = b.submit(WesFixture.request("job.0005"));
        assertThat(emu.runs()).extracting(WesEmulator.Run::runId).containsExactly(runId);
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(2);
        assertThat(emu.count(Kind.LIST)).isEqualTo(1); // the hung request might have made the run: looked up first

        emu.delayNext(Kind.STATUS, 1);
        assertThat(poll(b, "job.0005", runId)).isEqualTo(RunStatus.inFlight("QUEUED"));
        assertThat(emu.count(Kind.STATUS)).isEqualTo(2);
    }

    @Test
    void aRefusedRunIsNotRetriedAndTheMessageNamesTheJob() throws Exception {
        WesBackend b = fx.backend();
        emu.failNext(Kind.SUBMIT, 1, 400);
        assertThatThrownBy(() -> b.submit(WesFixture.request("job.0005")))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("job PACA-CA/2021-06-20/job.0005")
                .hasMessageContaining("refused the run (HTTP 400: injected fault)");
        assertThat(emu.count(Kind.SUBMIT)).isEqualTo(1);
        assertThat(emu.count(Kind.LIST)).isZero();
    }

    @Test
    void aFailedRunIsResumedWithItsSessionInItsOwnDirectories() throws Exception {
        WesBackend b = fx.backend();
        String first = b.submit(WesFixture.request("job.0005"));
        emu.advance(first);
        emu.advance(first); // RUNNING: Nextflow launched, session id reported
        String session = emu.run(first).sessionId();
        emu.finish(first, "EXECUTOR_ERROR");
        assertThat(poll(b, "job.0005", first).phase()).isEqualTo(Phase.FAILED);

        emu.resetCounts();
        String second = b.submit(WesFixture.request("job.0005", 2, Optional.of(WesFixture.marker(first))));
        WesEmulator.Run before = emu.run(first);
        WesEmulator.Run after = emu.run(second);
        assertThat(after.engine("resume")).isEqualTo(session);
        assertThat(after.engine("work_dir")).isEqualTo(before.engine("work_dir"));
        assertThat(after.engine("launch_dir")).isEqualTo(before.engine("launch_dir"));
        assertThat(after.engine("project_dir")).isEqualTo(before.engine("project_dir"));
        assertThat(after.tags()).containsEntry("caravan_attempt", "2");
        assertThat(emu.count(Kind.RUN_LOG)).isEqualTo(1); // the session comes from the failed run's log

        // the resumed run keeps the session; if it fails before launching, the next try resumes it still
        emu.finish(second, "SYSTEM_ERROR");
        String third = b.submit(WesFixture.request("job.0005", 3, Optional.of(WesFixture.marker(second))));
        assertThat(emu.run(third).engine("resume")).isEqualTo(session);
        assertThat(emu.run(third).engine("work_dir")).isEqualTo(before.engine("work_dir"));
    }

    @Test
    void aRunThatNeverLaunchedStartsFresh() throws Exception {
        WesBackend b = fx.backend();
        String first = b.submit(WesFixture.request("job.0005"));
        emu.finish(first, "SYSTEM_ERROR"); // failed while QUEUED: no Nextflow session
        assertThat(emu.run(first).sessionId()).isNull();

        String second = b.submit(WesFixture.request("job.0005", 2, Optional.of(WesFixture.marker(first))));
        WesEmulator.Run after = emu.run(second);
        assertThat(after.engine("resume")).isNull();
        assertThat(after.engine("work_dir")).isNotEqualTo(emu.run(first).engine("work_dir"))
                .startsWith("/nfs-1-c2/work/PACA-CA/2021-06-20/job.0005/2-");
    }

    @Test
    void onlyAFailedRunOfThisEnvironmentIsResumed() throws Exception {
        WesBackend b = fx.backend();
        String done = b.submit(WesFixture.request("job.0005"));
        emu.advance(done);
        emu.advance(done);
        emu.advance(done); // COMPLETE, with a session
        String again = b.submit(WesFixture.request("job.0005", 2, Optional.of(WesFixture.marker(done))));
        assertThat(emu.run(again).engine("resume")).isNull();

        emu.resetCounts();
        var elsewhere = new dev.caravan.model.RunMarker(1624228530L, "rdpc-qa", done);
        String other = b.submit(WesFixture.request("job.0005", 3, Optional.of(elsewhere)));
        assertThat(emu.run(other).engine("resume")).isNull();
        assertThat(emu.count(Kind.RUN_LOG)).isZero(); // not even asked: another environment's run

        String unknown = b.submit(WesFixture.request("job.0005", 4, Optional.of(WesFixture.marker("no-such-run"))));
        assertThat(emu.run(unknown).engine("resume")).isNull();
    }

    @Test
    void cancelAsksTheServerToCancel() throws Exception {
        WesBackend b = fx.backend();
        String id = b.submit(WesFixture.request("job.0005"));
        b.cancel(handle("job.0005", id), "operator asked");
        assertThat(emu.run(id).state()).isEqualTo("CANCELING");
        emu.advanceAll();
        assertThat(poll(b, "job.0005", id)).isEqualTo(RunStatus.failed("CANCELED"));
        assertThatThrownBy(() -> b.cancel(handle("job.0005", "nope"), "x"))
                .isInstanceOf(BackendException.class).hasMessageContaining("job PACA-CA/2021-06-20/job.0005")
                .hasMessageContaining("404");
    }

    @Test
    void healthComesFromServiceInfoBrieflyCachedAndNeverCostsAToken() throws Exception {
        WesBackend b = fx.backend();
        assertThat(b.healthProblem()).isEmpty();
        assertThat(b.healthProblem()).isEmpty();
        assertThat(emu.count(Kind.SERVICE_INFO)).isEqualTo(1);
        fx.clock.advance(java.time.Duration.ofSeconds(31));
        emu.failNext(Kind.SERVICE_INFO, 1, 503);
        assertThat(b.healthProblem()).hasValueSatisfying(p -> assertThat(p).contains("service-info").contains("503"));
        assertThat(emu.count(Kind.TOKEN)).isZero();

        WesBackend nowhere = fx.backend(Map.of("url", "http://127.0.0.1:1/ga4gh/wes/v1"));
        assertThat(nowhere.healthProblem()).hasValueSatisfying(p -> assertThat(p).contains("cannot connect"));
    }

    @Test
    void everyKindOfRequestFollowsTheOfficialSpec() throws Exception {
        Assumptions.assumeTrue(specChecked, "../shared/specs/wes-1.1.0.openapi.yaml is absent: nothing to validate against");
        emu.pageSize(1);
        WesBackend b = fx.backend();
        SubmitRequest req = WesFixture.request("job.0005");
        String id = b.submit(req);
        b.submit(WesFixture.request("job.0006"));
        b.poll(List.of(handle("job.0005", id)));
        emu.finish(id, "EXECUTOR_ERROR");
        b.poll(List.of(handle("job.0005", id)));
        b.submit(WesFixture.request("job.0005", 2, Optional.of(WesFixture.marker(id))));
        b.findSubmission(req);
        b.cancel(handle("job.0005", id), "test");
        b.healthProblem();
        assertThat(emu.counts().keySet()).contains(Kind.SUBMIT, Kind.STATUS, Kind.RUN_LOG, Kind.LIST, Kind.CANCEL,
                Kind.SERVICE_INFO);
        assertThat(emu.violations()).isEmpty();

        // and the validator is live: a request off the spec is caught
        HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = emu.issuedTokens().get(0);
        HttpResponse<String> r = raw.send(HttpRequest.newBuilder(URI.create(emu.url() + "/runs?page_size=lots"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        HttpResponse<String> bad = raw.send(HttpRequest.newBuilder(URI.create(emu.url() + "/runs"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\n"
                        + "{\"n\": 1}\r\n--b--\r\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(emu.violations()).hasSize(2);
        violationsExpected = 2; // the two deliberate ones
    }
}
