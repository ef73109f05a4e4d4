package dev.caravan.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.model.BadInputException;
import dev.caravan.tracking.TreeView;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of one {@code --unique-key} field, compared by their text: a string as it is, a number
 * in its plain decimal form without trailing zeros ({@code 7}, {@code 7.0} and {@code 7.00} are the
 * same), {@code true}/{@code false}, a nested object as compact JSON. An array counts each of its
 * elements (ICGC's {@code analysis_id} is an array of analysis ids). {@code null} and blank strings
 * are no value.
 */
final class UniqueValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private UniqueValues() {
    }

    /** The values of {@code field} in {@code fields}; empty when the field is missing, null, blank or an empty array. */
    static List<String> of(JsonNode fields, String field) {
        JsonNode v = fields.get(field);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isArray()) {
            for (JsonNode e : v) {
                add(e, out);
            }
        } else {
            add(v, out);
        }
        return out;
    }

    private static void add(JsonNode v, List<String> out) {
        String s = text(v);
        if (s != null && !s.isBlank()) {
            out.add(s);
        }
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber()) {
            String plain = v.decimalValue().stripTrailingZeros().toPlainString();
            return plain;
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        return v.toString();
    }

    /**
     * Reads every {@code params.json} of the group's job folders, all batches and all states, once, and maps each
     * value of {@code field} to the job that has it ({@code <batch>/<state>/<job>}, the first one found in name
     * order). A job folder without {@code params.json} has no value. A params.json that cannot be read is an error:
     * uniqueness cannot be promised past it.
     */
    static Map<String, String> existing(TreeView tree, String group, String field) {
        Map<String, String> out = new HashMap<>();
        try {
            tree.forEachParams(group, (where, map) -> {
                if (map.containsKey(field)) {
                    JsonNode fields = JSON.createObjectNode().set(field, JSON.valueToTree(map.get(field)));
                    for (String v : of(fields, field)) {
                        out.putIfAbsent(v, where);
                    }
                }
            });
        } catch (BadInputException e) {
            throw new BadInputException("cannot check --unique-key " + field + ": " + e.getMessage(), e);
        }
        return out;
    }
}
