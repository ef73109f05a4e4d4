package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a GA4GH {@code RunLog} ({@code GET /runs/{id}}) or an ARGO RDPC run (GraphQL) into a {@link RunInfo}. Every
 * field may be missing, null or of an odd type; nothing here throws on such input.
 *
 * <p>Where a GA4GH run log reports the Nextflow session id (WES has no field for it), tried in order:
 * {@code outputs.session_id | sessionId | nextflow_session_id}, then any line of {@code run_log.system_logs} or of a
 * task's {@code system_logs} like {@code Session ID: <uuid>} / {@code session_id=<uuid>} / {@code Session UUID <uuid>}.
 */
final class RunLogs {

    private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    static final Pattern SESSION_LINE = Pattern.compile("(?i)session[ _-]?(?:id|uuid)?\\s*[:=]?\\s*(" + UUID + ")");
    private static final Pattern JUST_UUID = Pattern.compile(UUID);
    private static final int MAX_LOG_LINES = 5;

    private RunLogs() {
    }

    /** A GA4GH RunLog. */
    static RunInfo ga4gh(String runId, JsonNode log) {
        JsonNode request = log.path("request");
        JsonNode engine = object(request.get("workflow_engine_parameters"));
        RunInfo.Dirs dirs = new RunInfo.Dirs(nonBlank(engine, "launch_dir"), nonBlank(engine, "project_dir"),
                nonBlank(engine, "work_dir"));
        Optional<String> resumed = uuid(Texts.text(engine, "resume"));
        return new RunInfo(runId, Texts.text(log, "state"), ga4ghSession(log), resumed, dirs, ga4ghError(log));
    }

    /** The run's tags as submitted ({@code request.tags}), for finding a submission again. */
    static JsonNode ga4ghTags(JsonNode log) {
        return object(log.path("request").get("tags"));
    }

    /** One run from the RDPC GraphQL {@code runs} query. */
    static RunInfo argo(String runId, JsonNode run) {
        JsonNode engine = object(run.get("engineParameters"));
        RunInfo.Dirs dirs = new RunInfo.Dirs(nonBlank(engine, "launchDir"), nonBlank(engine, "projectDir"),
                nonBlank(engine, "workDir"));
        Optional<String> session = uuid(Texts.text(run, "sessionId"));
        Optional<String> resumed = uuid(Texts.text(engine, "resume"));
        return new RunInfo(runId, Texts.text(run, "state"), session, resumed, dirs,
                Texts.describe(run.get("errorReport"), Texts.DETAIL_CHARS));
    }

    static Optional<String> ga4ghSession(JsonNode log) {
        JsonNode outputs = log.path("outputs");
        for (String f : new String[]{"session_id", "sessionId", "nextflow_session_id"}) {
            Optional<String> s = uuid(Texts.text(outputs, f));
            if (s.isPresent()) {
                return s;
            }
        }
        Optional<String> s = sessionIn(log.path("run_log").get("system_logs"));
        if (s.isPresent()) {
            return s;
        }
        JsonNode tasks = log.get("task_logs");
        if (tasks != null && tasks.isArray()) {
            for (JsonNode t : tasks) {
                s = sessionIn(t == null ? null : t.get("system_logs"));
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return Optional.empty();
    }

    /** The run's own words on why it failed: exit code and its system log lines (without the session line). */
    static String ga4ghError(JsonNode log) {
        JsonNode runLog = log.path("run_log");
        List<String> parts = new ArrayList<>();
        JsonNode exit = runLog.get("exit_code");
        if (exit != null && exit.isNumber()) {
            parts.add("exit code " + exit.asInt());
        }
        JsonNode lines = runLog.get("system_logs");
        if (lines != null && lines.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode l : lines) {
                String t = Texts.describe(l, Texts.DETAIL_CHARS);
                if (!t.isEmpty() && !SESSION_LINE.matcher(t).find()) {
                    texts.add(t);
                }
            }
            // the last lines say most about the end
            parts.addAll(texts.subList(Math.max(0, texts.size() - MAX_LOG_LINES), texts.size()));
        } else if (lines != null && !lines.isNull()) {
            parts.add(Texts.describe(lines, Texts.DETAIL_CHARS));
        }
        return Texts.clean(String.join("; ", parts), Texts.DETAIL_CHARS);
    }

    private static Optional<String> sessionIn(JsonNode lines) {
        if (lines == null || !lines.isArray()) {
            return Optional.empty();
        }
        for (JsonNode l : lines) {
            if (l != null && l.isTextual()) {
                Matcher m = SESSION_LINE.matcher(l.textValue());
                if (m.find()) {
                    return Optional.of(m.group(1).toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> uuid(String s) {
        String t = s == null ? "" : s.trim();
        return JUST_UUID.matcher(t).matches() ? Optional.of(t.toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
    }

    /** An object, or an object encoded as a JSON string (some servers echo form fields as they came); else empty. */
    static JsonNode object(JsonNode n) {
        if (n != null && n.isObject()) {
            return n;
        }
        if (n != null && n.isTextual()) {
            try {
                JsonNode parsed = Texts.JSON.readTree(n.textValue());
                if (parsed != null && parsed.isObject()) {
                    return parsed;
                }
            } catch (Exception e) {
                // not JSON
            }
        }
        return Texts.JSON.createObjectNode();
    }

    private static String nonBlank(JsonNode n, String field) {
        String v = Texts.text(n, field);
        return v.isBlank() ? null : v;
    }
}
