package dev.caravan.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.model.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code project resubmit --overrides FILE}: new resources for failed jobs, aws-batch-helpers' overrides file.
 * {@code containerOverrides}, {@code timeout}, {@code retry_attempts}, {@code queue}, {@code job_definition} at the top
 * apply to every job; the same keys under {@code "analyses": {"NAME": {...}}} to that analysis' jobs, after the top
 * ones. {@code containerOverrides} merge field by field into the job's own.
 */
public final class Overrides {

    static final Set<String> KEYS = Set.of("containerOverrides", "timeout", "retry_attempts", "queue",
            "job_definition", "analyses");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode node;

    private Overrides(JsonNode node) {
        this.node = node;
    }

    /** Reads and checks the file; a {@link BadInputException} names the file and the field. */
    public static Overrides read(Path file, JobRules rules) {
        String text = text(file, "--overrides");
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            throw new BadInputException(file + ": malformed JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new BadInputException(file + ": overrides are one JSON object");
        }
        check(n, file.getFileName().toString(), true, rules);
        return new Overrides(n);
    }

    private static void check(JsonNode n, String where, boolean top, JobRules rules) {
        n.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k) || (!top && k.equals("analyses"))) {
                throw new BadInputException(where + ": " + k + ": unknown field (known: containerOverrides, timeout,"
                        + " retry_attempts, queue, job_definition" + (top ? ", analyses" : "") + ")");
            }
        });
        if (n.has("containerOverrides")) {
            try {
                rules.checkContainerOverrides(JSON.convertValue(n.get("containerOverrides"), Map.class), "containerOverrides");
            } catch (IllegalArgumentException e) {
                throw new BadInputException(where + ": " + e.getMessage());
            }
        }
        for (String k : List.of("timeout", "retry_attempts")) {
            if (n.has(k) && !n.get(k).isIntegralNumber()) {
                throw new BadInputException(where + ": " + k + ": must be a whole number");
            }
        }
        for (String k : List.of("queue", "job_definition")) {
            if (n.has(k) && (!n.get(k).isTextual() || n.get(k).asText().isBlank())) {
                throw new BadInputException(where + ": " + k + ": must be a string");
            }
        }
        if (top && n.has("analyses")) {
            if (!n.get("analyses").isObject()) {
                throw new BadInputException(where + ": analyses: must be an object of analysis name → overrides");
            }
            n.get("analyses").properties().forEach(e -> check(e.getValue(), where + ": analyses." + e.getKey(), false, rules));
        }
    }

    /** Top-level overrides, then the analysis' own. */
    void applyTo(ObjectNode params) {
        applyOne(params, node);
        JsonNode per = node.path("analyses").path(params.path("analysis").asText());
        if (per.isObject()) {
            applyOne(params, per);
        }
    }

    private static void applyOne(ObjectNode params, JsonNode ov) {
        if (ov.has("containerOverrides")) {
            ObjectNode co = params.has("container_overrides") && params.get("container_overrides").isObject()
                    ? (ObjectNode) params.get("container_overrides") : params.putObject("container_overrides");
            ov.get("containerOverrides").properties().forEach(e -> co.set(e.getKey(), e.getValue().deepCopy()));
        }
        if (ov.has("timeout")) {
            params.put("timeout", ov.get("timeout").asInt());
        }
        if (ov.has("retry_attempts")) {
            params.put("retry_attempts", ov.get("retry_attempts").asInt());
        }
        if (ov.has("queue")) {
            params.put("job_queue", ov.get("queue").asText());
        }
        if (ov.has("job_definition")) {
            params.put("job_definition", ov.get("job_definition").asText());
        }
    }

    /** A file a person named on the command line; {@code what} is the option, for the message. */
    static String text(Path p, String what) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException(what + " " + p + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(what + " " + p + ": cannot read: " + e.getMessage());
        }
    }
}
