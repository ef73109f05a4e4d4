package dev.caravan.batches.template;

import java.util.List;
import java.util.Map;

/** The names a run-id template may use, as in WEPPcloud: the feature, its properties and its position. */
final class Names {

    static final int PROPERTIES = 0;
    static final int FEATURE = 1;
    static final int INDEX = 2;
    static final int ONE_BASED_INDEX = 3;

    static final List<String> ALL = List.of("properties", "feature", "index", "one_based_index");

    private Names() {
    }

    static int slot(String name) {
        return ALL.indexOf(name);
    }

    /**
     * The values for one feature: {@code properties} is the feature's properties when they are an object,
     * else an empty dict (WEPPcloud's rule).
     */
    static Object[] of(Map<String, Object> feature, int index) {
        Object props = feature.get("properties");
        return new Object[] {props instanceof Map ? props : Map.of(), feature, (long) index, (long) index + 1};
    }

    /** The values for one row of a CSV / JSON / JSON-lines resource: {@code properties} and {@code feature} are both the row. */
    static Object[] ofRow(Map<String, Object> row, int index) {
        return new Object[] {row, row, (long) index, (long) index + 1};
    }
}
