package dev.caravan.nacc;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.model.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The NACC batch scheduler's {@code batch_configs_file}: which gear runs on which project of every center, and
 * how centers are cut into batches.
 *
 * <pre>
 * {
 *   "source": "retrospective-form",       project label in each center group (required)
 *   "target": "accepted",                 project label, optional: the source again when absent or empty
 *   "substitute": true,                   replace "{{source}}" / "{{target}}" in gear_configs (default false)
 *   "batch_mode": "files",                "files" counts acquisition files, "projects" counts projects
 *   "batch_size": 100000,                 files or projects per batch (more than 0)
 *   "gear_name": "...",                   the gear to run (its newest version)
 *   "gear_configs": { ... },              the gear's config
 *   "gear_inputs": { "input": "file" }    optional: gear input name → file name on the source project
 * }
 * </pre>
 *
 * Unknown fields are ignored, as the gear (pydantic) ignored them. Every problem names the file and the field.
 */
public record BatchRunConfig(String source, Optional<String> target, boolean substitute, String batchMode, long batchSize,
                             String gearName, Map<String, JsonNode> gearConfigs, Map<String, String> gearInputs) {

    public static final String FILES = "files";
    public static final String PROJECTS = "projects";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public BatchRunConfig {
        gearConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(gearConfigs));
        gearInputs = Collections.unmodifiableMap(new LinkedHashMap<>(gearInputs));
    }

    public boolean countFiles() {
        return FILES.equals(batchMode);
    }

    /** The target project label: the source's when the file gives none. */
    public String targetLabel() {
        return target.orElse(source);
    }

    public static BatchRunConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the batch run configs file: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** @param where the file name for messages */
    public static BatchRunConfig parse(String text, String where) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // utf-8-sig, as the gear reads it
        }
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new BadInputException(where + (line > 0 ? ":" + line : "") + ": "
                    + (e instanceof JsonParseException ? "malformed JSON: " : "invalid JSON: ") + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new BadInputException(where + ": must hold one JSON object with source, batch_mode, batch_size,"
                    + " gear_name and gear_configs");
        }
        List<String> problems = new ArrayList<>();
        String source = string(n, "source", true, where, problems);
        String target = string(n, "target", false, where, problems);
        boolean substitute = bool(n, "substitute", where, problems);
        String mode = string(n, "batch_mode", true, where, problems);
        if (mode != null && !mode.equals(FILES) && !mode.equals(PROJECTS)) {
            problems.add(where + ": batch_mode: '" + mode + "' is not one of 'projects', 'files'");
        }
        long size = size(n, where, problems);
        String gear = string(n, "gear_name", true, where, problems);
        Map<String, JsonNode> configs = new LinkedHashMap<>();
        JsonNode gc = n.path("gear_configs");
        if (gc.isMissingNode() || gc.isNull()) {
            problems.add(where + ": gear_configs: missing (the config of gear " + (gear == null ? "?" : gear) + ", an object)");
        } else if (!gc.isObject()) {
            problems.add(where + ": gear_configs: must be an object");
        } else {
            gc.properties().forEach(e -> configs.put(e.getKey(), e.getValue()));
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        JsonNode gi = n.path("gear_inputs");
        if (!gi.isMissingNode() && !gi.isNull()) {
            if (!gi.isObject()) {
                problems.add(where + ": gear_inputs: must be an object of gear input name → file name");
            } else {
                gi.properties().forEach(e -> {
                    if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) {
                        inputs.put(e.getKey(), e.getValue().asText());
                    } else {
                        problems.add(where + ": gear_inputs." + e.getKey() + ": must be a file name (a string)");
                    }
                });
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(String.join("\n", problems));
        }
        return new BatchRunConfig(source, target == null || target.isEmpty() ? Optional.empty() : Optional.of(target),
                substitute, mode, size, gear, configs, inputs);
    }

    private static String string(JsonNode n, String field, boolean required, String where, List<String> problems) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                problems.add(where + ": " + field + ": missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            problems.add(where + ": " + field + ": must be a string, was " + v);
            return null;
        }
        String s = v.asText().trim();
        if (required && s.isEmpty()) {
            problems.add(where + ": " + field + ": must not be empty");
        }
        return s;
    }

    private static boolean bool(JsonNode n, String field, String where, List<String> problems) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        problems.add(where + ": " + field + ": must be true or false, was " + v);
        return false;
    }

    private static long size(JsonNode n, String where, List<String> problems) {
        JsonNode v = n.path("batch_size");
        long size = -1;
        if (v.isMissingNode() || v.isNull()) {
            problems.add(where + ": batch_size: missing (files or projects per batch)");
            return size;
        }
        if (v.isIntegralNumber()) {
            size = v.asLong();
        } else if (v.isTextual() && v.asText().trim().matches("\\d{1,18}")) {
            size = Long.parseLong(v.asText().trim());
        } else {
            problems.add(where + ": batch_size: must be a whole number, was " + v);
            return size;
        }
        if (size <= 0) {
            problems.add(where + ": batch_size: must be more than 0, was " + size);
        }
        return size;
    }
}
