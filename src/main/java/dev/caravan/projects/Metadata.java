package dev.caravan.projects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.model.BadInputException;
import dev.caravan.model.CsvReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A project's samples, from the metadata CSV of {@code project import}: one row per sample, the sample and file
 * columns named by the user. Each sample also gets {@code _sample} and {@code _filepath} (aws-batch-helpers' names)
 * and a job-id-safe form of its name ({@link Sample#id}). Kept in the tracking tree as {@code metadata.json}.
 */
public record Metadata(String source, String sampleColumn, String fileColumn, List<String> columns, List<Sample> samples) {

    public static final String SAMPLE = "_sample";
    public static final String FILEPATH = "_filepath";
    public static final int MAX_ID = 80;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One row: its line in the CSV, its safe id and every value by column (plus _sample and _filepath). */
    public record Sample(int line, String id, Map<String, String> values) {

        public String name() {
            return values.get(SAMPLE);
        }
    }

    public Metadata {
        columns = List.copyOf(columns);
        samples = List.copyOf(samples);
    }

    /** Reads and checks the CSV: the two columns exist, every sample is named once, every file once. */
    public static Metadata read(Path csv, String sampleColumn, String fileColumn) {
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException("--metadata " + csv + ": no such file");
        } catch (IOException e) {
            throw new BadInputException("--metadata " + csv + ": cannot read: " + e.getMessage());
        }
        String name = csv.getFileName().toString();
        CsvReader.Table t = CsvReader.readTable(text, name);
        requireColumn(t, sampleColumn, "--sample-col", name);
        requireColumn(t, fileColumn, "--file-col", name);
        if (t.rows().isEmpty()) {
            throw new BadInputException(name + ": no samples (only a header)");
        }
        int si = t.header().indexOf(sampleColumn);
        int fi = t.header().indexOf(fileColumn);
        Map<String, Integer> sampleLines = new HashMap<>();
        Map<String, Integer> fileLines = new HashMap<>();
        Map<String, String> idOwners = new HashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (CsvReader.Record r : t.rows()) {
            String sample = r.fields().get(si).strip();
            String file = r.fields().get(fi).strip();
            if (sample.isEmpty()) {
                throw new BadInputException(name + ", line " + r.line() + ": empty value in sample column '" + sampleColumn + "'");
            }
            Integer before = sampleLines.putIfAbsent(sample, r.line());
            if (before != null) {
                throw new BadInputException(name + ", line " + r.line() + ": sample '" + sample + "' is already on line "
                        + before + " (column '" + sampleColumn + "' must name each sample once)");
            }
            if (!file.isEmpty()) {
                Integer fb = fileLines.putIfAbsent(file, r.line());
                if (fb != null) {
                    throw new BadInputException(name + ", line " + r.line() + ": file '" + file + "' is already on line "
                            + fb + " (column '" + fileColumn + "' must name each file once)");
                }
            }
            String id = safeId(sample);
            String owner = idOwners.putIfAbsent(id, sample);
            if (owner != null) {
                throw new BadInputException(name + ", line " + r.line() + ": sample '" + sample + "' and sample '" + owner
                        + "' both become job id part '" + id + "' (letters, digits, '_' and '-' are kept, the rest become '_')");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < t.header().size(); i++) {
                values.put(t.header().get(i), r.fields().get(i));
            }
            values.put(SAMPLE, sample);
            values.put(FILEPATH, file);
            samples.add(new Sample(r.line(), id, values));
        }
        return new Metadata(name, sampleColumn, fileColumn, t.header(), samples);
    }

    private static void requireColumn(CsvReader.Table t, String column, String option, String name) {
        if (column == null || column.isBlank()) {
            throw new BadInputException(option + " must name a column");
        }
        if (!t.header().contains(column)) {
            throw new BadInputException(name + ": column '" + column + "' (" + option + ") not found; the columns are: "
                    + String.join(", ", t.header()));
        }
    }

    /** A sample name as a job id part: letters, digits, '_' and '-' kept, anything else '_'; starts alphanumeric. */
    public static String safeId(String sample) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sample.length(); i++) {
            char c = sample.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            sb.append(ok ? c : '_');
        }
        if (sb.length() == 0 || !Character.isLetterOrDigit(sb.charAt(0))) {
            sb.insert(0, 's');
        }
        if (sb.length() > MAX_ID) {
            throw new BadInputException("sample '" + sample + "': longer than " + MAX_ID + " characters as a job id part");
        }
        return sb.toString();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", source);
        root.put("sample_col", sampleColumn);
        root.put("file_col", fileColumn);
        ArrayNode cols = root.putArray("columns");
        columns.forEach(cols::add);
        ArrayNode arr = root.putArray("samples");
        for (Sample s : samples) {
            ObjectNode o = arr.addObject();
            o.put("_line", s.line());
            o.put("_id", s.id());
            s.values().forEach(o::put);
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Metadata fromJson(String json, String where) {
        try {
            JsonNode root = JSON.readTree(json);
            List<String> cols = new ArrayList<>();
            root.path("columns").forEach(c -> cols.add(c.asText()));
            List<Sample> samples = new ArrayList<>();
            for (JsonNode o : root.path("samples")) {
                Map<String, String> values = new LinkedHashMap<>();
                o.properties().forEach(e -> {
                    if (!e.getKey().equals("_line") && !e.getKey().equals("_id")) {
                        values.put(e.getKey(), e.getValue().asText());
                    }
                });
                samples.add(new Sample(o.path("_line").asInt(), o.path("_id").asText(), values));
            }
            return new Metadata(root.path("source").asText(), root.path("sample_col").asText(),
                    root.path("file_col").asText(), cols, samples);
        } catch (IOException e) {
            throw new BadInputException(where + ": malformed: " + e.getMessage());
        }
    }
}
