package dev.caravan.batches.python;

/** The value of {@code a:b:c} inside a subscript; bounds are Python values (None when omitted). */
public record PySlice(Object lower, Object upper, Object step) {
}
