package dev.caravan.batches.rows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.batches.BatchInputException;
import dev.caravan.intake.InputRows;
import dev.caravan.model.BadInputException;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rows upload through {@code import}'s reader ({@link InputRows}: one parsing path, the same checks and
 * messages), then turns each row into the values a run-id template sees. A bad row is a
 * {@link BatchInputException} for the field {@code resource} with the line (and, in a JSON array, the element's
 * index) taken from the reader's message.
 */
public final class RowsReader {

    private static final Pattern LINE = Pattern.compile("line (\\d+)");
    private static final Pattern ELEMENT = Pattern.compile("element \\[(\\d+)\\]");

    private RowsReader() {
    }

    /** The rows of an upload already read within the size limit; {@code field} names the upload in errors. */
    public static RowsResource read(byte[] bytes, RowsFormat format, String field) {
        List<InputRows.Row> rows;
        try {
            rows = InputRows.read(bytes, format.file());
        } catch (BadInputException e) {
            throw located(e.getMessage(), field);
        }
        List<Map<String, Object>> values = new ArrayList<>(rows.size());
        List<String> where = new ArrayList<>(rows.size());
        for (InputRows.Row r : rows) {
            values.add(object(r.fields()));
            where.add(r.where());
        }
        return new RowsResource(format, values, where, sha256(bytes), bytes.length);
    }

    private static BatchInputException located(String message, String field) {
        Matcher line = LINE.matcher(message);
        Matcher element = ELEMENT.matcher(message);
        return new BatchInputException(message, field, element.find() ? Integer.valueOf(element.group(1)) : null,
                line.find() ? Integer.valueOf(line.group(1)) : null, null);
    }

    private static Map<String, Object> object(JsonNode node) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), value(e.getValue()));
        }
        return m;
    }

    /** Python's json values: exact ints (long, or BigInteger past it), floats as doubles. */
    private static Object value(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isObject()) {
            return object(n);
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            n.forEach(x -> l.add(value(x)));
            return l;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            BigInteger b = n.bigIntegerValue();
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        return n.asText();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
