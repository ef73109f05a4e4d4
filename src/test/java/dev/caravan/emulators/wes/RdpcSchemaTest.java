package dev.caravan.emulators.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulated RDPC GraphQL API keeps to RDPC's schema and answers as RDPC's Apollo server does (see
 * {@link RdpcGraphql}): Run fields only through {@code content}, a validation error as HTTP 400 with an
 * {@code errors} array and no data, aliases and variables served.
 */
class RdpcSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "4f8d1a07-64b5-4bd6-8d47-0e2a0bd1b5d4";

    private WesEmulator emu;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        emu = WesEmulator.start(WesEmulator.Dialect.ARGO);
        emu.preload("wes-aaa", "RUNNING", SESSION, Map.of(), Map.of("launchDir", "/nfs-1-c1/launch/x", "workDir", "/nfs-1-c1/work/x"));
        emu.preload("wes-bbb", "EXECUTOR_ERROR", null);
        emu.finish("wes-bbb", "EXECUTOR_ERROR", JSON.getNodeFactory().textNode("Process `download` failed"));
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    private HttpResponse<String> post(String query, Map<String, Object> variables, String operationName) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("query", query);
        if (variables != null) {
            body.set("variables", JSON.valueToTree(variables));
        }
        if (operationName != null) {
            body.put("operationName", operationName);
        }
        return http.send(HttpRequest.newBuilder(URI.create(emu.graphqlUrl())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void runFieldsSelectedOnThePageAreAValidationErrorWithNoData() throws Exception {
        HttpResponse<String> r = post("query Q($a: String!) { a: runs(filter: {runId: $a}) { runId state } }",
                Map.of("a", "wes-aaa"), null);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.has("data")).isFalse();
        assertThat(answer.path("errors")).hasSize(2);
        JsonNode first = answer.path("errors").get(0);
        assertThat(first.path("message").asText()).isEqualTo("Cannot query field \"runId\" on type \"RunsSearchResult\".");
        assertThat(first.path("extensions").path("code").asText()).isEqualTo("GRAPHQL_VALIDATION_FAILED");
        assertThat(first.path("locations").get(0).path("line").asInt()).isEqualTo(1);
    }

    @Test
    void aSingleRunQueryThroughContentWithVariablesAndAnOperationName() throws Exception {
        // the shape of ICGC's scheduler.py get_run_state: one run by variable, its fields under content
        String q = """
                query ONE_RUN($runId: String!) {
                  runs(filter: {runId: $runId}) {
                    content {
                      runId sessionId state success exitStatus errorReport repository parameters duration
                      engineParameters { launchDir projectDir workDir resume revision __typename }
                      __typename
                    }
                    __typename
                  }
                }""";
        HttpResponse<String> r = post(q, Map.of("runId", "wes-aaa"), "ONE_RUN");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.has("errors")).isFalse();
        JsonNode page = answer.path("data").path("runs");
        assertThat(page.path("__typename").asText()).isEqualTo("RunsSearchResult");
        JsonNode run = page.path("content").get(0);
        assertThat(run.path("runId").asText()).isEqualTo("wes-aaa");
        assertThat(run.path("sessionId").asText()).isEqualTo(SESSION);
        assertThat(run.path("state").asText()).isEqualTo("RUNNING");
        assertThat(run.path("__typename").asText()).isEqualTo("Run");
        assertThat(run.path("engineParameters").path("launchDir").asText()).isEqualTo("/nfs-1-c1/launch/x");
        assertThat(run.path("engineParameters").path("workDir").asText()).isEqualTo("/nfs-1-c1/work/x");
        assertThat(run.path("engineParameters").path("projectDir").isNull()).isTrue();
    }

    @Test
    void aliasesPutManyRunsInOneRequestAndAnUnknownRunIsAnEmptyPage() throws Exception {
        HttpResponse<String> r = post("query M($x: String!, $y: String!, $z: String!) {"
                + " x: runs(filter: {runId: $x}) { content { runId state errorReport } }"
                + " y: runs(filter: {runId: $y}) { content { runId state errorReport } }"
                + " z: runs(filter: {runId: $z}) { content { runId } info { contentCount totalHits hasNextFrom } } }",
                Map.of("x", "wes-aaa", "y", "wes-bbb", "z", "wes-nope"), null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(r.body()).path("data");
        assertThat(data.path("x").path("content").get(0).path("state").asText()).isEqualTo("RUNNING");
        assertThat(data.path("y").path("content").get(0).path("errorReport").asText()).isEqualTo("Process `download` failed");
        assertThat(data.path("z").path("content")).isEmpty();
        assertThat(data.path("z").path("info").path("totalHits").asText()).isEqualTo("0");
        assertThat(data.path("z").path("info").path("hasNextFrom").asText()).isEqualTo("false");
    }

    @Test
    void literalArgumentsPagesAndFiltersByState() throws Exception {
        HttpResponse<String> r = post("{ runs(filter: {state: \"RUNNING\"}, page: {size: 5, from: 0}) { content { runId } "
                + "info { contentCount } } }", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode runs = JSON.readTree(r.body()).path("data").path("runs");
        assertThat(runs.path("content")).extracting(n -> n.path("runId").asText()).containsExactly("wes-aaa");
        assertThat(runs.path("info").path("contentCount").asText()).isEqualTo("1");
    }

    @Test
    void badRequestsAreAnsweredAsApolloAnswersThem() throws Exception {
        HttpResponse<String> syntax = post("query { runs(filter: {runId: \"x\"}) { content { runId } ", null, null);
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(syntax.body()).path("errors").get(0).path("extensions").path("code").asText())
                .isEqualTo("GRAPHQL_PARSE_FAILED");

        HttpResponse<String> noVariable = post("query Q($id: String!) { runs(filter: {runId: $id}) { content { runId } } }",
                Map.of(), null);
        assertThat(noVariable.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noVariable.body()).has("data")).isFalse();

        HttpResponse<String> unknownArgument = post("{ runs(filter: {run_id: \"x\"}) { content { runId } } }", null, null);
        assertThat(unknownArgument.statusCode()).isEqualTo(400);

        HttpResponse<String> noSelection = post("{ runs(filter: {runId: \"x\"}) }", null, null);
        assertThat(noSelection.statusCode()).isEqualTo(400);
    }

    @Test
    void argoRunRequestsKeepSnakeCaseEngineParametersAndDropUnknownOnes() throws Exception {
        String body = """
                {"workflow_url": "https://github.com/icgc-argo/icgc-25k-azure-transfer.git",
                 "workflow_params": {"study_id": "PACA-CA"},
                 "workflow_engine_params": {"revision": "v1", "launch_dir": "/nfs/l", "workDir": "/nfs/camel", "offline": true}}""";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(emu.url() + "/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        WesEmulator.Run run = emu.run(JSON.readTree(r.body()).path("run_id").asText());
        assertThat(run.engine("launch_dir")).isEqualTo("/nfs/l");
        assertThat(run.engine("launchDir")).isEqualTo("/nfs/l");
        assertThat(run.engine("revision")).isEqualTo("v1");
        assertThat(run.engine("work_dir")).isNull();
        assertThat(run.engine("offline")).isNull();
    }
}
