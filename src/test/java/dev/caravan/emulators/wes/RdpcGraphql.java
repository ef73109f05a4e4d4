package dev.caravan.emulators.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.InvalidSyntaxError;
import graphql.language.SourceLocation;
import graphql.schema.Coercing;
import graphql.schema.CoercingSerializeException;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.validation.ValidationError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RDPC GraphQL API (ICGC-ARGO's {@code https://api.rdpc.cancercollaboratory.org/graphql}) as the emulator serves
 * it: real GraphQL (graphql-java parses, validates and executes every request against {@link #SDL}), answered the way
 * RDPC's server answers.
 *
 * <p>Where the rules come from:
 * <ul>
 *   <li><b>The schema</b> is the run-search part of ICGC-ARGO {@code workflow-api}'s {@code schema.graphqls} as of
 *   2021-07-08 (commit c167de9, the version RDPC served when ICGC's {@code scripts/scheduler.py} polled it in
 *   2021-09): {@code runs(filter: RunsFilter, page: Page, sorts: [RunSort!]): RunsSearchResult!}, where
 *   {@code RunsSearchResult} is {@code { content: [Run!], info: SearchResultInfo! }}. Run fields are therefore
 *   selected through {@code content}; a Run field selected on {@code RunsSearchResult} itself is a validation error.
 *   The real client confirms it: {@code scheduler.py}'s {@code get_run_state} asks
 *   {@code runs(filter: {runId: $runId}) { content { runId sessionId ... state ... } }} and reads
 *   {@code data.runs.content[0]}. {@code info}'s counts are strings, as in the schema; a page is 10 runs from 0 unless
 *   {@code page} says otherwise (workflow-api's {@code EsDefaults}).</li>
 *   <li><b>How errors are answered</b>: RDPC's {@code /graphql} was {@code rdpc-gateway} (Apollo Gateway on
 *   apollo-server-express 2.x federating workflow-api and song-search). Apollo Server 2's {@code runHttpQuery}
 *   answers a request whose errors leave no {@code data} (a syntax error, a validation error, bad variables) with
 *   HTTP 400 and {@code {"errors": [...]}} only; errors during execution come with HTTP 200 beside {@code data}. The
 *   error texts are graphql-js's ({@code Cannot query field "runId" on type "RunsSearchResult".}) with
 *   {@code extensions.code} {@code GRAPHQL_PARSE_FAILED} / {@code GRAPHQL_VALIDATION_FAILED}.</li>
 *   <li><b>Aliases, variables, fragments, {@code __typename}</b>: served, as any GraphQL server serves them.</li>
 * </ul>
 * Not served (and so refused, where RDPC would answer): mutations, federation's {@code _entities}/{@code _service},
 * and the fields song-search adds to {@code Run} ({@code producedAnalyses}, {@code inputAnalyses}). {@code tasks}
 * are always empty.
 */
public final class RdpcGraphql {

    /** The schema facts, written from workflow-api's schema.graphqls (2021-07-08); see the class comment. */
    public static final String SDL = """
            scalar JSON
            scalar Long

            type Query {
              runs(filter: RunsFilter, page: Page, sorts: [RunSort!]): RunsSearchResult!
              aggregateRuns(filter: RunsFilter): AggregationResult!
              tasks(filter: TasksFilter, page: Page, sorts: [TaskSort!]): TasksSearchResult!
              aggregateTasks(filter: TasksFilter): AggregationResult!
            }

            type Run {
              runId: ID!
              sessionId: String
              repository: String
              state: String
              parameters: JSON
              startTime: String
              completeTime: String
              success: Boolean
              exitStatus: Int
              errorReport: String
              duration: Long
              commandLine: String
              engineParameters: EngineParameters
              tasks(taskId: String, state: String, tag: String): [Task]
            }

            type EngineParameters {
              defaultContainer: String
              launchDir: String
              projectDir: String
              resume: String
              revision: String
              workDir: String
              latest: Boolean
            }

            type Task {
              taskId: ID
              runId: String
              sessionId: String
              name: String
              process: String
              state: String
              tag: String
              container: String
              attempt: Int
              submitTime: String
              startTime: String
              completeTime: String
              exit: Int
              script: String
              workdir: String
              cpus: Int
              memory: Long
              duration: Long
              realtime: Long
              rss: Long
              peakRss: Long
              vmem: Long
              peakVmem: Long
              readBytes: Long
              writeBytes: Long
              run: Run
            }

            input RunsFilter { runId: String sessionId: String state: String repository: String analysisId: String }
            input TasksFilter { runId: String sessionId: String state: String tag: String workDir: String }
            input Page { size: Int! from: Int! }
            enum SortOrder { asc desc }
            enum RunSortField { runId sessionId state startTime completeTime repository }
            input RunSort { fieldName: RunSortField! order: SortOrder! }
            enum TaskSortField { runId sessionId state startTime completeTime cpus memory }
            input TaskSort { fieldName: TaskSortField! order: SortOrder! }

            type SearchResultInfo { contentCount: String! hasNextFrom: String! totalHits: String! }
            type RunsSearchResult { content: [Run!] info: SearchResultInfo! }
            type TasksSearchResult { content: [Task!] info: SearchResultInfo! }
            type AggregationResult { totalHits: String! }
            """;

    public static final int DEFAULT_PAGE_SIZE = 10;

    /** A run as the API shows it: the fields of {@code Run}, engine parameters in the API's camelCase. */
    public record RunDoc(String runId, String sessionId, String repository, String state, JsonNode parameters,
                  String errorReport, Map<String, Object> engineParameters) {
        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runId", runId);
            m.put("sessionId", sessionId);
            m.put("repository", repository);
            m.put("state", state);
            m.put("parameters", parameters);
            m.put("errorReport", errorReport);
            m.put("success", "COMPLETE".equals(state) ? Boolean.TRUE : WesEmulator.TERMINAL.contains(state) ? Boolean.FALSE : null);
            m.put("exitStatus", "COMPLETE".equals(state) ? Integer.valueOf(0)
                    : "EXECUTOR_ERROR".equals(state) ? Integer.valueOf(1) : null);
            m.put("engineParameters", engineParameters);
            m.put("tasks", List.of());
            return m;
        }
    }

    /** An HTTP answer: status and JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIELD_UNDEFINED = Pattern.compile("Field '([^']+)' in type '([^']+)' is undefined");

    private final GraphQL graphql;
    private final ThreadLocal<List<RunDoc>> current = new ThreadLocal<>();

    RdpcGraphql() {
        RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
                .scalar(scalar("JSON", v -> v instanceof JsonNode n ? JSON.convertValue(n, Object.class) : v))
                .scalar(scalar("Long", v -> {
                    if (v instanceof Number n) {
                        return n.longValue();
                    }
                    throw new CoercingSerializeException("not a Long: " + v);
                }))
                .type("Query", t -> t.dataFetcher("runs", this::runs)
                        .dataFetcher("aggregateRuns", env -> Map.of("totalHits", Integer.toString(matching(env).size())))
                        .dataFetcher("tasks", env -> page(List.of(), 0, 0, DEFAULT_PAGE_SIZE))
                        .dataFetcher("aggregateTasks", env -> Map.of("totalHits", "0")))
                .build();
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL), wiring);
        this.graphql = GraphQL.newGraphQL(schema).build();
    }

    /** Runs one request body ({@code {query, variables, operationName}}) over {@code runs}, oldest first. */
    public Answer execute(JsonNode body, Supplier<List<RunDoc>> runs) {
        if (body == null || !body.isObject() || !body.path("query").isTextual() || body.path("query").asText().isBlank()) {
            return new Answer(400, errors(List.of(error("POST body missing, invalid Content-Type, or JSON object has no keys.",
                    null, "BAD_REQUEST"))));
        }
        JsonNode vars = body.path("variables");
        if (!vars.isMissingNode() && !vars.isNull() && !vars.isObject()) {
            return new Answer(400, errors(List.of(error("Variables must be an object.", null, "BAD_USER_INPUT"))));
        }
        ExecutionInput.Builder in = ExecutionInput.newExecutionInput().query(body.get("query").asText());
        if (vars.isObject()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> v = JSON.convertValue(vars, Map.class);
            in.variables(v);
        }
        if (body.path("operationName").isTextual()) {
            in.operationName(body.get("operationName").asText());
        }
        ExecutionResult r;
        current.set(runs.get());
        try {
            r = graphql.execute(in.build());
        } finally {
            current.remove();
        }
        List<ObjectNode> errs = new ArrayList<>();
        for (GraphQLError e : r.getErrors()) {
            errs.add(apolloError(e));
        }
        if (!r.isDataPresent()) {
            return new Answer(400, errors(errs)); // Apollo Server 2: errors and no data → 400
        }
        ObjectNode out = JSON.createObjectNode();
        if (!errs.isEmpty()) {
            out.set("errors", JSON.valueToTree(errs));
        }
        out.set("data", JSON.valueToTree(r.getData()));
        return new Answer(200, out);
    }

    // --- fetchers ----------------------------------------------------------------------------------

    private Object runs(DataFetchingEnvironment env) {
        List<RunDoc> hits = matching(env);
        Map<String, Object> page = env.getArgument("page");
        int from = page == null ? 0 : Math.max(0, ((Number) page.get("from")).intValue());
        int size = page == null ? DEFAULT_PAGE_SIZE : Math.max(1, ((Number) page.get("size")).intValue());
        List<Map<String, Object>> docs = new ArrayList<>();
        for (int i = from; i < Math.min(hits.size(), from + size); i++) {
            docs.add(hits.get(i).asMap());
        }
        return page(docs, hits.size(), from, size);
    }

    /** workflow-api's SearchResult: counts as strings, hasNextFrom as its RunService computes it. */
    private static Map<String, Object> page(List<?> content, int totalHits, int from, int size) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("contentCount", Integer.toString(content.size()));
        info.put("hasNextFrom", Boolean.toString((totalHits - from) / size > 0));
        info.put("totalHits", Integer.toString(totalHits));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("content", content);
        out.put("info", info);
        return out;
    }

    private List<RunDoc> matching(DataFetchingEnvironment env) {
        Map<String, Object> filter = env.getArgument("filter");
        List<RunDoc> out = new ArrayList<>();
        for (RunDoc d : current.get()) {
            if (filter == null || (eq(filter, "runId", d.runId()) && eq(filter, "sessionId", d.sessionId())
                    && eq(filter, "state", d.state()) && eq(filter, "repository", d.repository())
                    && eq(filter, "analysisId", d.parameters() == null ? null : d.parameters().path("analysis_id").asText(null)))) {
                out.add(d);
            }
        }
        return out;
    }

    private static boolean eq(Map<String, Object> filter, String key, String value) {
        Object want = filter.get(key);
        return want == null || want.equals(value);
    }

    // --- answers -------------------------------------------------------------------------------------

    private static ObjectNode apolloError(GraphQLError e) {
        if (e instanceof InvalidSyntaxError) {
            return error("Syntax Error: " + e.getMessage(), e.getLocations(), "GRAPHQL_PARSE_FAILED");
        }
        if (e instanceof ValidationError v) {
            Matcher m = FIELD_UNDEFINED.matcher(v.getDescription() == null ? "" : v.getDescription());
            String msg = m.find() ? "Cannot query field \"" + m.group(1) + "\" on type \"" + m.group(2) + "\"."
                    : v.getDescription();
            return error(msg, e.getLocations(), "GRAPHQL_VALIDATION_FAILED");
        }
        return error(e.getMessage(), e.getLocations(), e.getErrorType() != null
                && e.getErrorType().toString().equals("DataFetchingException") ? "INTERNAL_SERVER_ERROR" : "BAD_USER_INPUT");
    }

    private static ObjectNode error(String message, List<SourceLocation> locations, String code) {
        ObjectNode e = JSON.createObjectNode().put("message", message);
        if (locations != null && !locations.isEmpty()) {
            ArrayNode l = e.putArray("locations");
            locations.forEach(s -> l.addObject().put("line", s.getLine()).put("column", s.getColumn()));
        }
        e.putObject("extensions").put("code", code);
        return e;
    }

    private static ObjectNode errors(List<ObjectNode> errs) {
        ObjectNode out = JSON.createObjectNode();
        out.putArray("errors").addAll(errs);
        return out;
    }

    private static GraphQLScalarType scalar(String name, java.util.function.Function<Object, Object> serialize) {
        return GraphQLScalarType.newScalar().name(name).coercing(new Coercing<Object, Object>() {
            @Override
            @SuppressWarnings("deprecation")
            public Object serialize(Object v) {
                return serialize.apply(v);
            }
        }).build();
    }
}
