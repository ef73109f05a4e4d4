package dev.caravan.intake;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.model.BadInputException;
import dev.caravan.model.CsvReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads an import file into rows: CSV with a header ({@code .csv}), JSON lines ({@code .jsonl},
 * {@code .ndjson}, or a {@code .json} whose first non-space character is <code>{</code>), or a JSON array
 * of objects ({@code .json} starting with {@code [}). The whole file is read (at most
 * {@link #MAX_BYTES}) and checked before anything is returned; every error names the file and the
 * line (and, for an array, the element). Imports and batches made from rows ({@code batches.rows}) both read
 * through here, so a file that imports is a file that makes a batch.
 */
public final class InputRows {

    /** Larger inputs are refused: an import is a list of work items, not a data set. */
    static final long MAX_BYTES = 64L << 20;

    /** Element by element inside an array: the array's own next tokens are not "trailing". */
    private static final ObjectMapper JSON_STREAM = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /** One whole document (a JSON line): anything after the object is an error. */
    private static final ObjectMapper JSON = JSON_STREAM.copy()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * One input row: where it is (for messages) and its fields in their input order.
     *
     * @param where "line 5", or "element [2] (line 7)" for a JSON array
     */
    public record Row(String where, ObjectNode fields) {
    }

    private InputRows() {
    }

    static List<Row> read(Path file) {
        return read(readBytes(file), file.toString());
    }

    /**
     * Rows of bytes already in memory (an upload); {@code name} says the format by its ending, as a file's name
     * does, and names the input in every error.
     */
    public static List<Row> read(byte[] bytes, String name) {
        String text = decode(name, bytes);
        String lower = name.toLowerCase(Locale.ROOT);
        List<Row> rows;
        if (lower.endsWith(".csv")) {
            rows = csv(text, name);
        } else if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            rows = jsonLines(text, name, false);
        } else if (lower.endsWith(".json")) {
            int first = firstNonSpace(text);
            if (first < 0) {
                throw new BadInputException(name + ": the file is empty (no rows)");
            }
            char c = text.charAt(first);
            if (c == '[') {
                rows = jsonArray(text, name);
            } else if (c == '{') {
                rows = jsonLines(text, name, true);
            } else {
                throw new BadInputException(name + ", line " + lineOf(text, first) + ": a .json import file must start"
                        + " with '[' (an array of objects) or '{' (one object per line), not '" + c + "'");
            }
        } else {
            throw new BadInputException(name + ": unknown input format; the file name must end in .csv, .jsonl,"
                    + " .ndjson or .json");
        }
        if (rows.isEmpty()) {
            throw new BadInputException(name + ": no rows to import");
        }
        return rows;
    }

    private static byte[] readBytes(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new BadInputException("--from " + file + ": is a directory, not a file");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new BadInputException(file + ": " + size + " bytes is over the 64 MiB limit for an import file;"
                        + " split it into several imports");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException("--from " + file + ": no such file");
        } catch (IOException e) {
            throw new BadInputException("--from " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8 (a leading byte-order mark is dropped); a bad byte is reported with its line. */
    private static String decode(String file, byte[] bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) {
            r = dec.flush(out);
        }
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new BadInputException(file + ", line " + line + ": not valid UTF-8 (byte offset " + at + ")");
        }
        out.flip();
        String s = out.toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static List<Row> csv(String text, String name) {
        CsvReader.Table t = CsvReader.readTable(text, name);
        List<Row> rows = new ArrayList<>(t.rows().size());
        for (CsvReader.Record r : t.rows()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < t.header().size(); i++) {
                o.put(t.header().get(i), r.fields().get(i));
            }
            rows.add(new Row("line " + r.line(), o));
        }
        return rows;
    }

    private static List<Row> jsonLines(String text, String name, boolean fromDotJson) {
        List<Row> rows = new ArrayList<>();
        int n = text.length();
        int pos = 0;
        int line = 0;
        while (pos < n) {
            line++;
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = n;
            }
            String s = text.substring(pos, end);
            pos = end + 1;
            if (s.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(s);
            } catch (JsonProcessingException e) {
                throw new BadInputException(name + ", line " + line + ": malformed JSON: " + e.getOriginalMessage()
                        + (fromDotJson ? " (a .json file starting with '{' is read as JSON lines: one whole object"
                        + " per line; use an array of objects for pretty-printed JSON)" : ""), e);
            }
            if (!node.isObject()) {
                throw new BadInputException(name + ", line " + line + ": expected a JSON object, found "
                        + kind(node));
            }
            rows.add(new Row("line " + line, (ObjectNode) node));
        }
        return rows;
    }

    private static List<Row> jsonArray(String text, String name) {
        List<Row> rows = new ArrayList<>();
        int index = -1;
        try (JsonParser p = JSON_STREAM.createParser(text)) {
            p.nextToken(); // '[' was checked by the caller
            while (true) {
                JsonToken t = p.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    break;
                }
                if (t == null) {
                    throw new BadInputException(name + ": the JSON array is not closed (missing ']' at the end)");
                }
                index++;
                int line = p.currentTokenLocation().getLineNr();
                String where = "element [" + index + "] (line " + line + ")";
                JsonNode node = p.readValueAsTree();
                if (node == null || !node.isObject()) {
                    throw new BadInputException(name + ", " + where + ": expected a JSON object, found " + kind(node));
                }
                rows.add(new Row(where, (ObjectNode) node));
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new BadInputException(name + ", line " + p.currentTokenLocation().getLineNr()
                        + ": unexpected content after the closing ']' of the array");
            }
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String at = loc != null && loc.getLineNr() > 0 ? ", line " + loc.getLineNr() : "";
            String elem = index >= 0 ? " (in or after element [" + index + "])" : "";
            throw new BadInputException(name + at + ": malformed JSON" + elem + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadInputException(name + ": cannot read: " + e.getMessage(), e);
        }
        return rows;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static int firstNonSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
