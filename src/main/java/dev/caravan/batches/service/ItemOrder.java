package dev.caravan.batches.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The order items run in: as the resource gives them, or, with {@code orderBy}, largest first by that numeric
 * property (a row's column; a CSV's values are text, so only JSON rows order by number), as WEPPcloud runs watersheds by area (features without a number go last, in their order).
 */
final class ItemOrder {

    private ItemOrder() {
    }

    static List<Integer> of(ItemSource items, String orderBy) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < items.count(); i++) {
            out.add(i);
        }
        if (orderBy == null || orderBy.isBlank()) {
            return out;
        }
        out.sort(Comparator.comparingDouble((Integer i) -> -number(items.properties(i), orderBy)));
        return out;
    }

    private static double number(Map<String, Object> properties, String key) {
        if (properties.get(key) instanceof Number n) {
            double d = n.doubleValue();
            return Double.isNaN(d) ? Double.NEGATIVE_INFINITY : d;
        }
        return Double.NEGATIVE_INFINITY;
    }
}
