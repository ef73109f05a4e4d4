package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * The RDPC GraphQL run query. Several runs go in ONE request, one aliased field per run:
 * <pre>
 * query CaravanRuns($r0: String!, $r1: String!) {
 *   r0: runs(filter: {runId: $r0}) { content { runId state sessionId errorReport engineParameters { launchDir ... } } }
 *   r1: runs(filter: {runId: $r1}) { content { ... } }
 * }
 * </pre>
 * On RDPC {@code runs} returns a page, {@code RunsSearchResult { content: [Run!], info }} (workflow-api's schema;
 * ICGC's own scheduler asks {@code runs(filter: {runId: $runId}) { content { ... } }} and reads
 * {@code data.runs.content[0]}), so Run fields are selected through {@code content}: selected on the page itself they
 * are a validation error and the server answers no data at all. Aliases are plain GraphQL.
 */
final class ArgoGraphql {

    static final String FIELDS = "runId state sessionId errorReport"
            + " engineParameters { launchDir projectDir workDir resume revision }";

    private ArgoGraphql() {
    }

    static ObjectNode request(List<String> runIds) {
        StringBuilder q = new StringBuilder("query CaravanRuns(");
        for (int i = 0; i < runIds.size(); i++) {
            q.append(i == 0 ? "" : ", ").append("$r").append(i).append(": String!");
        }
        q.append(") {");
        for (int i = 0; i < runIds.size(); i++) {
            q.append(" r").append(i).append(": runs(filter: {runId: $r").append(i).append("}) { content { ").append(FIELDS)
                    .append(" } }");
        }
        q.append(" }");
        ObjectNode body = Texts.JSON.createObjectNode();
        body.put("query", q.toString());
        ObjectNode vars = body.putObject("variables");
        for (int i = 0; i < runIds.size(); i++) {
            vars.put("r" + i, runIds.get(i));
        }
        return body;
    }

    /**
     * The answer for run {@code i}: the entry of {@code r<i>.content} whose {@code runId} matches; empty when the server
     * has no such run (an empty or null {@code content}).
     */
    static Optional<JsonNode> run(JsonNode data, int i, String runId) {
        JsonNode content = data.path("r" + i).path("content");
        if (!content.isArray()) {
            return Optional.empty();
        }
        for (JsonNode r : content) {
            if (r != null && r.isObject() && runId.equals(Texts.text(r, "runId"))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
