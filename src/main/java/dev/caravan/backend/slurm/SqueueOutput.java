package dev.caravan.backend.slurm;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What squeue prints, as {@link QueueEntry}s by job id: the fixed {@code -O} columns below, or {@code --json}. The JSON
 * shapes of 22.05 (plain values) and of 23.02 and later (states as lists, exit codes and comments as objects) are both
 * read.
 */
final class SqueueOutput {

    /** Comment last: it is the only column that may hold a '|'. */
    static final String COLUMNS = "JobID:|,State:|,Reason:|,exit_code:|,Dependency:|,Comment:";
    private static final int FIELDS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SqueueOutput() {
    }

    static Map<String, QueueEntry> parseText(String out) {
        Map<String, QueueEntry> entries = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            String[] f = line.split("\\|", FIELDS);
            if (f.length < FIELDS || f[0].isBlank()) {
                continue; // not one of the lines this format makes
            }
            Optional<QueueEntry.ExitCode> exit;
            try {
                exit = Optional.of(QueueEntry.ExitCode.ofWaitStatus(Long.parseLong(f[3].trim())));
            } catch (NumberFormatException e) {
                exit = Optional.empty();
            }
            entries.put(f[0].trim(), new QueueEntry(f[0].trim(), f[1], f[2], exit, f[4], f[5]));
        }
        return entries;
    }

    /** Streams the {@code jobs} array: 22.05 lists every job of the cluster, whatever the filters said. */
    static Map<String, QueueEntry> parseJson(String out) throws IOException {
        Map<String, QueueEntry> entries = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(out)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("squeue --json did not print a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                p.nextToken();
                if (!field.equals("jobs") || p.currentToken() != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    QueueEntry e = entry(JSON.readTree(p));
                    entries.put(e.jobId(), e);
                }
            }
        }
        return entries;
    }

    private static QueueEntry entry(JsonNode job) {
        return new QueueEntry(number(job.path("job_id")).map(Object::toString).orElse(""), first(job.path("job_state")),
                job.path("state_reason").asText(""), exit(job.path("exit_code")), job.path("dependency").asText(""),
                job.path("comment").isObject() ? job.path("comment").path("job").asText("") : job.path("comment").asText(""));
    }

    private static String first(JsonNode state) {
        if (state.isArray()) {
            return state.isEmpty() ? "" : state.get(0).asText("");
        }
        return state.asText("");
    }

    /**
     * 22.05: the raw wait status; 23.02: the same as {@code {"set": true, "number": N}}; later:
     * {@code {"return_code": N or {"number": N}, "signal": {"id": ...}}}.
     */
    private static Optional<QueueEntry.ExitCode> exit(JsonNode node) {
        if (!node.isObject() || !node.has("return_code")) {
            return number(node).map(QueueEntry.ExitCode::ofWaitStatus);
        }
        Optional<Long> code = number(node.path("return_code"));
        Optional<Long> signal = number(node.path("signal").path("id"));
        if (code.isEmpty() && signal.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new QueueEntry.ExitCode(code.orElse(0L).intValue(), signal.orElse(0L).intValue()));
    }

    /** A number, or Slurm's {@code {"set": true, "number": N}}. */
    private static Optional<Long> number(JsonNode n) {
        if (n.isNumber()) {
            return Optional.of(n.asLong());
        }
        if (n.isObject() && n.path("set").asBoolean(true) && n.path("number").isNumber()) {
            return Optional.of(n.path("number").asLong());
        }
        return Optional.empty();
    }

    /** The release of {@code squeue --version} ("slurm 22.05.8", "slurm-wlm 22.05.8"), as major * 100 + minor. */
    static Optional<Integer> version(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(out);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2))) : Optional.empty();
    }

    /** sacct -P -n -o JobID,State,ExitCode,Reason... lines; job steps ({@code 12.batch}) are left out. */
    static Map<String, QueueEntry> parseSacct(String out) {
        Map<String, QueueEntry> entries = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            List<String> f = List.of(line.split("\\|", -1));
            if (f.size() < 3 || f.get(0).isBlank() || f.get(0).contains(".")) {
                continue;
            }
            String id = f.get(0).trim();
            // a job requeued shows once per start: the last line is its latest
            entries.put(id, new QueueEntry(id, f.get(1), f.size() > 3 ? f.get(3) : "", QueueEntry.ExitCode.parse(f.get(2)),
                    "", ""));
        }
        return entries;
    }
}
