package dev.caravan.model;


import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict RFC 4180 reader: fields separated by commas, records by CRLF, LF or a lone CR;
 * a field in double quotes may hold commas, line breaks and doubled quotes ({@code ""} for one
 * {@code "}). Nothing is trimmed and nothing is typed: every value is the string between the
 * separators. Completely empty lines (between records, or at the end) are skipped.
 *
 * <p>Strict where a lenient reader would guess: a quote inside an unquoted field, anything but a
 * separator after a closing quote, a quote left open at the end of the file, and (in
 * {@link #readTable}) a record whose field count differs from the header's are errors naming the
 * source and the physical line.
 */
public final class CsvReader {

    /** One record and the physical line (1-based) it starts on. */
    public record Record(int line, List<String> fields) {
        public Record {
            fields = List.copyOf(fields);
        }
    }

    /** A header and the records under it, each with exactly as many fields as the header. */
    public record Table(List<String> header, List<Record> rows) {
        public Table {
            header = List.copyOf(header);
            rows = List.copyOf(rows);
        }
    }

    private CsvReader() {
    }

    /**
     * Reads a CSV whose first record is the header: header names must be non-blank and distinct,
     * and every further record must have as many fields as the header. A file with a header and no
     * rows is returned with no rows; the caller decides whether that is an error.
     *
     * @param source names the input in error messages (usually the file name)
     * @throws BadInputException when the text is empty or malformed; the message names source and line
     */
    public static Table readTable(String text, String source) {
        List<Record> records = read(text, source);
        if (records.isEmpty()) {
            throw new BadInputException(source + ": the file is empty (expected a header row)");
        }
        Record head = records.get(0);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < head.fields().size(); i++) {
            String name = head.fields().get(i);
            if (name.isBlank()) {
                throw new BadInputException(source + ", line " + head.line() + ": header column " + (i + 1)
                        + " has an empty name");
            }
            Integer earlier = seen.putIfAbsent(name, i);
            if (earlier != null) {
                throw new BadInputException(source + ", line " + head.line() + ": header name '" + name
                        + "' appears twice (columns " + (earlier + 1) + " and " + (i + 1) + ")");
            }
        }
        int width = head.fields().size();
        for (Record r : records.subList(1, records.size())) {
            if (r.fields().size() != width) {
                throw new BadInputException(source + ", line " + r.line() + ": " + r.fields().size()
                        + (r.fields().size() == 1 ? " field" : " fields") + ", but the header (line " + head.line()
                        + ") has " + width);
            }
        }
        return new Table(head.fields(), records.subList(1, records.size()));
    }

    /**
     * Splits the text into records, without any header rules.
     *
     * @throws BadInputException on a quote error; the message names source and line
     */
    public static List<Record> read(String text, String source) {
        List<Record> out = new ArrayList<>();
        int n = text.length();
        int pos = text.startsWith("\uFEFF") ? 1 : 0;
        int line = 1;
        while (pos < n) {
            char c = text.charAt(pos);
            if (c == '\n' || c == '\r') { // an empty line: no record
                pos += (c == '\r' && pos + 1 < n && text.charAt(pos + 1) == '\n') ? 2 : 1;
                line++;
                continue;
            }
            int recordLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            boolean endOfRecord = false;
            while (!endOfRecord) {
                sb.setLength(0);
                if (pos < n && text.charAt(pos) == '"') {
                    int quoteLine = line;
                    pos++;
                    while (true) {
                        if (pos >= n) {
                            throw new BadInputException(source + ", line " + quoteLine + ": unterminated quote"
                                    + " (the quoted field opened on line " + quoteLine + " runs to the end of the file)");
                        }
                        char q = text.charAt(pos);
                        if (q == '"') {
                            if (pos + 1 < n && text.charAt(pos + 1) == '"') {
                                sb.append('"');
                                pos += 2;
                                continue;
                            }
                            pos++;
                            break;
                        }
                        if (q == '\n' || (q == '\r' && !(pos + 1 < n && text.charAt(pos + 1) == '\n'))) {
                            line++;
                        }
                        sb.append(q);
                        pos++;
                    }
                    if (pos < n) {
                        char after = text.charAt(pos);
                        if (after != ',' && after != '\n' && after != '\r') {
                            throw new BadInputException(source + ", line " + line + ": unexpected character '" + after
                                    + "' after a closing quote (a quote inside a quoted field must be doubled)");
                        }
                    }
                } else {
                    int start = pos;
                    while (pos < n) {
                        char u = text.charAt(pos);
                        if (u == ',' || u == '\n' || u == '\r') {
                            break;
                        }
                        if (u == '"') {
                            throw new BadInputException(source + ", line " + line + ": a quote inside an unquoted field"
                                    + " (quote the whole field and double the quote: \"a \"\"b\"\" c\")");
                        }
                        pos++;
                    }
                    sb.append(text, start, pos);
                }
                fields.add(sb.toString());
                if (pos >= n) {
                    endOfRecord = true;
                } else {
                    char sep = text.charAt(pos);
                    if (sep == ',') {
                        pos++;
                    } else { // a line break ends the record
                        pos += (sep == '\r' && pos + 1 < n && text.charAt(pos + 1) == '\n') ? 2 : 1;
                        line++;
                        endOfRecord = true;
                    }
                }
            }
            out.add(new Record(recordLine, fields));
        }
        return out;
    }
}
