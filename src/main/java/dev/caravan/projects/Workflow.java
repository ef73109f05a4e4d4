package dev.caravan.projects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.model.BadInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An aws-batch-helpers workflow template: {@code workflow_name} and {@code analyses[]}, each analysis one AWS Batch
 * job per sample, run in order for a sample. Every other top-level string, number or boolean is a key the templates
 * may use. Checked as a whole; the first problem is a {@link BadInputException} naming the field.
 */
public record Workflow(String name, List<Analysis> analyses, Map<String, String> keys, String json) {

    public static final Set<String> ANALYSIS_FIELDS = Set.of("name", "description", "job_definition", "queue", "outputs",
            "parameters", "containerOverrides", "timeout", "retry_attempts");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One analysis: what varies per sample is still a template here. */
    public record Analysis(int index, String name, String description, String jobDefinition, String queue,
                           List<String> outputs, Map<String, String> parameters, Optional<JsonNode> containerOverrides,
                           Optional<Integer> timeout, Optional<Integer> retryAttempts) {

        /** {@code analyses[i]} */
        public String field() {
            return "analyses[" + index + "]";
        }
    }

    public Workflow {
        analyses = List.copyOf(analyses);
        keys = Map.copyOf(keys);
    }

    public static Workflow parse(String text, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new BadInputException(source + (line > 0 ? ", line " + line : "") + ": malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(source + ": a workflow is one JSON object with workflow_name and analyses");
        }
        JsonNode wn = root.get("workflow_name");
        if (wn == null || !wn.isTextual() || wn.asText().isBlank()) {
            throw new BadInputException(source + ": workflow_name: required, a string");
        }
        String name = wn.asText();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,99}")) {
            throw new BadInputException(source + ": workflow_name: '" + name + "' may hold only letters, digits, '_' and '-'"
                    + " (it names a folder of the tracking tree)");
        }
        for (String forbidden : List.of("samples", "jobs")) {
            if (root.has(forbidden)) {
                throw new BadInputException(source + ": " + forbidden + ": a template holds no " + forbidden
                        + " (an already submitted aws-batch-helpers file?); samples come from 'project import'");
            }
        }
        JsonNode an = root.get("analyses");
        if (an == null || !an.isArray() || an.isEmpty()) {
            throw new BadInputException(source + ": analyses: required, a non-empty list of objects");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        root.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isValueNode() && !v.isNull()) {
                keys.put(e.getKey(), v.asText());
            }
        });
        List<Analysis> analyses = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < an.size(); i++) {
            Analysis a = analysis(an.get(i), i, source);
            if (an.get(i).has("name")) {
                Integer other = names.putIfAbsent(a.name(), i);
                if (other != null) {
                    throw new BadInputException(source + ": analyses[" + i + "].name: '" + a.name()
                            + "' is also the name of analyses[" + other + "]");
                }
            }
            analyses.add(a);
        }
        return new Workflow(name, distinctDerivedNames(analyses, an, names.keySet()), keys, text);
    }

    private static Analysis analysis(JsonNode n, int i, String source) {
        String f = source + ": analyses[" + i + "]";
        if (n == null || !n.isObject()) {
            throw new BadInputException(f + ": must be an object");
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!ANALYSIS_FIELDS.contains(k)) {
                throw new BadInputException(f + "." + k + ": unknown field (known: " + String.join(", ", new TreeSet<>(ANALYSIS_FIELDS)) + ")");
            }
        });
        String def = requiredString(n, "job_definition", f);
        String queue = requiredString(n, "queue", f);
        String description = optionalString(n, "description", f).orElse("");
        String name = optionalString(n, "name", f).orElseGet(() -> nameFrom(def));
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,39}")) {
            throw new BadInputException(f + ".name: '" + name + "' may hold only letters, digits, '_' and '-' (at most 40)");
        }
        JsonNode outs = n.get("outputs");
        if (outs == null || !outs.isArray()) {
            throw new BadInputException(f + ".outputs: required, a list of s3:// paths (may be empty)");
        }
        List<String> outputs = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            JsonNode o = outs.get(k);
            if (!o.isTextual() || !o.asText().startsWith("s3://")) {
                throw new BadInputException(f + ".outputs[" + k + "]: " + o + " is not an s3:// path");
            }
            if (o.asText().endsWith("/")) {
                throw new BadInputException(f + ".outputs[" + k + "]: " + o + " ends with '/': an output is a file");
            }
            outputs.add(o.asText());
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = n.get("parameters");
        if (p != null) {
            if (!p.isObject()) {
                throw new BadInputException(f + ".parameters: must be an object of strings");
            }
            p.properties().forEach(e -> {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new BadInputException(f + ".parameters." + e.getKey() + ": must be a string");
                }
                params.put(e.getKey(), e.getValue().asText());
            });
        }
        JsonNode co = n.get("containerOverrides");
        if (co != null && !co.isObject()) {
            throw new BadInputException(f + ".containerOverrides: must be an object");
        }
        Optional<Integer> timeout = optionalInt(n, "timeout", f, 60, Integer.MAX_VALUE);
        Optional<Integer> retries = optionalInt(n, "retry_attempts", f, 1, 10);
        return new Analysis(i, name, description, def, queue, outputs, params, Optional.ofNullable(co), timeout, retries);
    }

    /**
     * aws-batch-helpers names no analysis (its job names, {@code <workflow>_<sample>_<job_definition>}, need not be
     * unique), so two steps on one job definition are a valid workflow. A name made from the job definition that an
     * earlier analysis (or any given {@code name}) already has gets {@code -2}, {@code -3}, ...: {@code toolbox},
     * {@code toolbox-2}.
     */
    private static List<Analysis> distinctDerivedNames(List<Analysis> analyses, JsonNode nodes, Set<String> given) {
        Set<String> taken = new java.util.HashSet<>(given);
        List<Analysis> out = new ArrayList<>(analyses.size());
        for (Analysis a : analyses) {
            String n = a.name();
            if (!nodes.get(a.index()).has("name") && !taken.add(n)) {
                for (int k = 2; !taken.add(n); k++) {
                    String suffix = "-" + k;
                    n = a.name().substring(0, Math.min(a.name().length(), 40 - suffix.length())) + suffix;
                }
                a = new Analysis(a.index(), n, a.description(), a.jobDefinition(), a.queue(), a.outputs(), a.parameters(),
                        a.containerOverrides(), a.timeout(), a.retryAttempts());
            }
            out.add(a);
        }
        return out;
    }

    /** {@code arn:...:job-definition/bwa-mem:3} or {@code bwa-mem:3} → {@code bwa-mem}. */
    static String nameFrom(String jobDefinition) {
        String s = jobDefinition.substring(jobDefinition.lastIndexOf('/') + 1);
        int colon = s.indexOf(':');
        if (colon > 0) {
            s = s.substring(0, colon);
        }
        s = s.replaceAll("[^A-Za-z0-9_-]", "_");
        if (s.length() > 40) {
            s = s.substring(0, 40);
        }
        return s;
    }

    private static String requiredString(JsonNode n, String key, String f) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadInputException(f + "." + key + ": required, a string");
        }
        return v.asText();
    }

    private static Optional<String> optionalString(JsonNode n, String key, String f) {
        JsonNode v = n.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new BadInputException(f + "." + key + ": must be a string");
        }
        return Optional.of(v.asText());
    }

    private static Optional<Integer> optionalInt(JsonNode n, String key, String f, int min, int max) {
        JsonNode v = n.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw new BadInputException(f + "." + key + ": must be a whole number "
                    + (max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max) + ", was " + v);
        }
        return Optional.of(v.asInt());
    }
}
