package dev.caravan.batches.python;

import java.util.List;

/** A Python tuple; a Java {@link List} value is a Python list. */
public record PyTuple(List<Object> items) {

    public PyTuple {
        items = java.util.Collections.unmodifiableList(items);
    }
}
