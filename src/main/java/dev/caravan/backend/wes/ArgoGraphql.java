package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * The RDPC GraphQL run query. Several runs go in ONE request, one aliased field per run:
 * <pre>
 * query CaravanRuns($r0: String!, $r1: String!) {
 *   r0: runs(filter: {runId: $r0}) { runId state sessionId errorReport engineParameters { launchDir projectDir workDir resume revision } }
 *   r1: runs(filter: {runId: $r1}) { ... }
 * }
 * </pre>
 * Aliases are plain GraphQL, so this works against any server with the {@code runs(filter: {runId})} query.
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
            q.append(" r").append(i).append(": runs(filter: {runId: $r").append(i).append("}) { ").append(FIELDS)
                    .append(" }");
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
     * The answer for run {@code i}: empty when the server has no such run; the run object otherwise.
     * {@code runs} may come as a list or as a page object ({@code {content: [...]}}); the entry whose
     * {@code runId} matches wins.
     */
    static Optional<JsonNode> run(JsonNode data, int i, String runId) {
        JsonNode field = data.get("r" + i);
        if (field != null && field.isObject() && field.has("content")) {
            field = field.get("content");
        }
        if (field == null || !field.isArray()) {
            return Optional.empty();
        }
        for (JsonNode r : field) {
            if (r != null && r.isObject() && runId.equals(Texts.text(r, "runId"))) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
