package dev.caravan.batches.python;

import java.util.List;

/**
 * A Python set from a set literal. It keeps its items in the order written: Python's own order is its
 * hash order, which for strings changes from one process to the next, so no rendering can match it.
 */
public record PySet(List<Object> items) {

    public PySet {
        items = java.util.Collections.unmodifiableList(items);
    }
}
