package dev.caravan.batches.template;

import dev.caravan.batches.python.Budget;

/** The names one evaluation sees, in the slots {@link Names} gives them, and its work budget. */
final class Scope {

    final Object[] values;
    final Budget budget;

    Scope(Object[] values, Budget budget) {
        this.values = values;
        this.budget = budget;
    }
}
