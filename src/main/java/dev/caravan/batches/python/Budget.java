package dev.caravan.batches.python;

/** Counts the work of one evaluation and stops it past its limit (see {@link Limits#MAX_STEPS}). */
public final class Budget {

    private final long limit;
    private long used;

    public Budget(long limit) {
        this.limit = limit;
    }

    /** A budget that never runs out, for values from the resource itself (canonical JSON, analysis). */
    public static Budget unlimited() {
        return new Budget(Long.MAX_VALUE);
    }

    public void charge(long steps) {
        used += steps;
        if (used > limit) {
            throw PyException.limit("the expression does too much work (more than " + limit
                    + " steps); simplify the template");
        }
    }

    public long used() {
        return used;
    }
}
