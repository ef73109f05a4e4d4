package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The gear config of one center: with {@code substitute: true}, every top-level value that is a string
 * starting with {@code {{} and ending with {@code }}} is replaced by the named value ({@code {{source}}} →
 * the source project's id, {@code {{target}}} → the target project's id), as the gear's
 * {@code get_gear_configs} does (braces stripped, nothing trimmed). Without substitution values pass as
 * they are.
 */
public final class GearConfigs {

    private GearConfigs() {
    }

    /** @throws IllegalArgumentException naming the field when a placeholder has no value */
    public static Map<String, JsonNode> substitute(Map<String, JsonNode> configs, boolean substitute,
                                                   Map<String, String> values) {
        Map<String, JsonNode> out = new LinkedHashMap<>(configs);
        if (!substitute) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : configs.entrySet()) {
            JsonNode v = e.getValue();
            if (v.isTextual() && v.asText().startsWith("{{") && v.asText().endsWith("}}")) {
                String key = v.asText().replace("{", "").replace("}", "");
                String value = values.get(key);
                if (value == null) {
                    throw new IllegalArgumentException("gear_configs." + e.getKey() + ": '" + v.asText()
                            + "' has no value to substitute (known: " + String.join(", ", new TreeSet<>(values.keySet())) + ")");
                }
                out.put(e.getKey(), TextNode.valueOf(value));
            }
        }
        return out;
    }
}
