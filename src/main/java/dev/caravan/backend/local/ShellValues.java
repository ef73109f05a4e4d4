package dev.caravan.backend.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** How a params.json value becomes one shell word. */
final class ShellValues {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShellValues() {
    }

    /** Single quotes keep everything literal in sh; a quote itself is closed, escaped and reopened. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /**
     * The field by its exact name first; a dotted name that is not a key walks nested objects
     * ({@code params.ref.build} reads {@code {"ref": {"build": ...}}}).
     */
    static Optional<Object> lookup(Map<String, Object> params, String field) {
        if (params.containsKey(field)) {
            return Optional.of(nullSafe(params.get(field)));
        }
        Object current = params;
        for (String step : field.split("\\.", -1)) {
            if (current instanceof Map<?, ?> map && map.containsKey(step)) {
                current = nullSafe(map.get(step));
            } else if (current instanceof JsonNode node && node.isObject() && node.has(step)) {
                current = node.get(step);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(current);
    }

    /** A JSON null in params is a present field; Optional cannot carry null, so it travels as a NullNode. */
    private static Object nullSafe(Object value) {
        return value == null ? JSON.nullNode() : value;
    }

    /**
     * Strings as they are, numbers and booleans as their JSON text, objects and arrays as compact JSON,
     * null as the empty string (the field is there but says nothing).
     */
    static String render(Object value) {
        if (value instanceof JsonNode node) {
            if (node.isNull() || node.isMissingNode()) {
                return "";
            }
            return node.isValueNode() ? node.asText() : node.toString();
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?> || value.getClass().isArray()) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("params value cannot be written as JSON: " + e.getOriginalMessage(), e);
            }
        }
        return value.toString();
    }
}
