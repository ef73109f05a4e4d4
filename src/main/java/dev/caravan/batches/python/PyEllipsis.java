package dev.caravan.batches.python;

/** Python's {@code ...} constant. */
public enum PyEllipsis {
    INSTANCE;

    @Override
    public String toString() {
        return "Ellipsis";
    }
}
