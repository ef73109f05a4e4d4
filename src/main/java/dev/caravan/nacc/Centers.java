package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the center map, {@code info.centers} of {@code <admin group>/metadata}: ADCID → {@code {adcid, name,
 * group, active}}, with the aliases NACC's CenterInfo accepts ({@code center_id}, {@code center-id} for
 * {@code group}; {@code is-active}, {@code is_active} for {@code active}).
 */
public final class Centers {

    private static final List<String> GROUP_KEYS = List.of("center_id", "center-id", "group");
    private static final List<String> ACTIVE_KEYS = List.of("active", "is-active", "is_active");

    private Centers() {
    }

    /**
     * @param info     the metadata project's {@code info}
     * @param where    {@code nacc/metadata}, for messages
     * @param problems entries that cannot be read are left out and described here
     * @return the centers, sorted by group id; empty when the map is missing or empty
     */
    public static List<Center> parse(JsonNode info, String where, List<String> problems) {
        JsonNode map = info == null ? null : info.path("centers");
        List<Center> out = new ArrayList<>();
        if (map == null || !map.isObject()) {
            if (map != null && !map.isMissingNode() && !map.isNull()) {
                problems.add(where + " info.centers: must be an object of ADCID → center, was " + map.getNodeType());
            }
            return out;
        }
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String at = where + " info.centers." + e.getKey();
            JsonNode c = e.getValue();
            if (!c.isObject()) {
                problems.add(at + ": must be an object with group and active");
                continue;
            }
            String group = null;
            for (String k : GROUP_KEYS) {
                if (c.hasNonNull(k) && !c.get(k).asText().isBlank()) {
                    group = c.get(k).asText().trim();
                    break;
                }
            }
            if (group == null) {
                problems.add(at + ": has no group (nor center_id, center-id)");
                continue;
            }
            Boolean active = true;
            for (String k : ACTIVE_KEYS) {
                if (c.has(k) && !c.get(k).isNull()) {
                    active = bool(c.get(k));
                    if (active == null) {
                        problems.add(at + "." + k + ": '" + c.get(k).asText() + "' is not true or false");
                    }
                    break;
                }
            }
            if (active == null) {
                continue;
            }
            out.add(new Center(e.getKey(), c.path("name").asText(""), group, active));
        }
        out.sort(Comparator.comparing(Center::group));
        return out;
    }

    /** Pydantic's lax booleans. */
    private static Boolean bool(JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber() && (v.asLong() == 0 || v.asLong() == 1)) {
            return v.asLong() == 1;
        }
        return switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1", "t", "y" -> true;
            case "false", "no", "off", "0", "f", "n" -> false;
            default -> null;
        };
    }
}
