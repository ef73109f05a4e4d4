package dev.caravan.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.model.BadInputException;
import dev.caravan.model.JobRef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs of a project: one per sample × analysis, job id {@code <sample>.<nn>-<analysis>}, each after the previous
 * analysis of its sample. Every template is filled in here, so a bad one is an error before anything is written.
 *
 * <p>Template names, first match wins: Caravan's own ({@code _sample}, {@code _filepath}, {@code project_name},
 * {@code workflow_name}), then the sample's metadata columns, then the workflow's own top-level keys. (aws-batch-helpers
 * passed columns and keys together to {@code str.format} and crashed when a name was in both.)
 */
public final class ProjectPlan {

    public static final List<String> OWN = List.of(Metadata.SAMPLE, Metadata.FILEPATH, "project_name", "workflow_name");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One job to write: its id, sample, analysis, the job it runs after, and its params.json. */
    public record PlannedJob(String jobId, Metadata.Sample sample, Workflow.Analysis analysis, Optional<String> after,
                             ObjectNode params) {

        public byte[] paramsJson() {
            try {
                return (JSON.writeValueAsString(params) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private ProjectPlan() {
    }

    public static String jobId(Metadata.Sample s, Workflow.Analysis a) {
        return s.id() + "." + String.format("%02d", a.index() + 1) + "-" + a.name();
    }

    /** Names that more than one source defines, and which one wins: for a note at create time. */
    public static List<String> shadowed(String project, Workflow wf, Metadata md) {
        List<String> out = new ArrayList<>();
        for (String c : md.columns()) {
            if (OWN.contains(c)) {
                out.add("metadata column '" + c + "' is hidden by Caravan's own {" + c + "}");
            } else if (wf.keys().containsKey(c)) {
                out.add("metadata column '" + c + "' hides the workflow key '" + c + "' in templates");
            }
        }
        for (String k : wf.keys().keySet()) {
            if (OWN.contains(k) && !k.equals("workflow_name")) {
                out.add("workflow key '" + k + "' is hidden by Caravan's own {" + k + "}");
            }
        }
        return out;
    }

    public static Map<String, String> vars(String project, Workflow wf, Metadata.Sample s) {
        Map<String, String> v = new LinkedHashMap<>(wf.keys());
        v.putAll(s.values());
        v.put("project_name", project);
        v.put("workflow_name", wf.name());
        v.put(Metadata.SAMPLE, s.name());
        v.put(Metadata.FILEPATH, s.values().get(Metadata.FILEPATH));
        return v;
    }

    /** @param rules AWS Batch's rules for a job, checked on every job before anything is written */
    public static List<PlannedJob> plan(String project, Workflow wf, Metadata md, String source, JobRules rules) {
        List<PlannedJob> out = new ArrayList<>();
        for (Metadata.Sample s : md.samples()) {
            Map<String, String> vars = vars(project, wf, s);
            String prev = null;
            for (Workflow.Analysis a : wf.analyses()) {
                String id = jobId(s, a);
                if (!JobRef.isSafeName(id)) {
                    throw new BadInputException("job id '" + id + "' (sample " + s.name() + ", " + a.field() + ") is not a safe name");
                }
                java.util.function.Function<String, String> where = sfx -> source + ", " + a.field() + sfx + ", sample " + s.name()
                        + " (" + md.source() + " line " + s.line() + ")";
                ObjectNode p = JsonNodeFactory.instance.objectNode();
                p.put("project", project);
                p.put("workflow", wf.name());
                p.put("sample", s.name());
                p.put("analysis", a.name());
                p.put("analysis_index", a.index() + 1);
                if (!a.description().isEmpty()) {
                    p.put("description", a.description());
                }
                p.put("job_queue", a.queue());
                p.put("job_definition", a.jobDefinition());
                ObjectNode params = p.putObject("parameters");
                a.parameters().forEach((k, t) -> params.put(k, Template.render(t, vars, where.apply(".parameters." + k))));
                if (a.containerOverrides().isPresent()) {
                    JsonNode co = renderNode(a.containerOverrides().get(), vars, where, ".containerOverrides");
                    try {
                        rules.checkContainerOverrides(JSON.convertValue(co, Map.class), "containerOverrides");
                    } catch (IllegalArgumentException e) {
                        throw new BadInputException(where.apply("") + ": " + e.getMessage());
                    }
                    p.set("container_overrides", co);
                }
                a.timeout().ifPresent(t -> p.put("timeout", t));
                a.retryAttempts().ifPresent(t -> p.put("retry_attempts", t));
                ArrayNode outs = p.putArray("outputs");
                for (int k = 0; k < a.outputs().size(); k++) {
                    String o = Template.render(a.outputs().get(k), vars, where.apply(".outputs[" + k + "]"));
                    if (!o.startsWith("s3://") || o.endsWith("/") || o.substring(5).indexOf('/') <= 0) {
                        throw new BadInputException(where.apply(".outputs[" + k + "]") + ": '" + o
                                + "' is not an s3://bucket/path/file");
                    }
                    outs.add(o);
                }
                if (a.outputs().size() > rules.maxOutputs()) {
                    throw new BadInputException(source + ", " + a.field() + ".outputs: at most " + rules.maxOutputs());
                }
                out.add(new PlannedJob(id, s, a, Optional.ofNullable(prev), p));
                prev = id;
            }
        }
        return out;
    }

    private static JsonNode renderNode(JsonNode n, Map<String, String> vars, java.util.function.Function<String, String> where,
                                       String path) {
        if (n.isTextual()) {
            return JsonNodeFactory.instance.textNode(Template.render(n.asText(), vars, where.apply(path)));
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < n.size(); i++) {
                a.add(renderNode(n.get(i), vars, where, path + "[" + i + "]"));
            }
            return a;
        }
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                o.set(e.getKey(), renderNode(e.getValue(), vars, where, path + "." + e.getKey()));
            }
            return o;
        }
        return n.deepCopy();
    }

    /** The batch-summary.tsv of a project's workflow: job id, sample, analysis. */
    public static String summary(List<PlannedJob> jobs) {
        StringBuilder sb = new StringBuilder("job_id\tsample\tanalysis\n");
        for (PlannedJob j : jobs) {
            sb.append(j.jobId()).append('\t').append(j.sample().name().replace('\t', ' ')).append('\t')
                    .append(j.analysis().name()).append('\n');
        }
        return sb.toString();
    }
}
