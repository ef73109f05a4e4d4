package dev.caravan.batches.python;

/**
 * Bounds on what one template may cost, so a template (an operator's, or an attacker's through the API)
 * cannot take unbounded time or memory: {@code 9**9**9}, {@code 'x'*10**9}, a megabyte of brackets.
 * Python has none of these; real run-id templates stay far below all of them.
 */
public final class Limits {

    /** Characters in a template. */
    public static final int MAX_TEMPLATE_CHARS = 4096;
    /** Nested sub-expressions (brackets, unary operators, conditionals, powers) in one expression. */
    public static final int MAX_NESTING = 64;
    /** Bits of an integer literal or result: {@code 2**4096} is refused, {@code 2**4095} allowed. */
    public static final int MAX_INT_BITS = 4096;
    /** Characters of a string, or items of a list or tuple, that an expression builds. */
    public static final int MAX_SEQUENCE = 100_000;
    /** Width or precision in a format spec. */
    public static final int MAX_FORMAT_WIDTH = 10_000;
    /** Evaluation steps (nodes, characters and items touched) for one feature. */
    public static final long MAX_STEPS = 1_000_000;
    /** Evaluation steps for a whole validation over every feature. */
    public static final long MAX_TOTAL_STEPS = 50_000_000;

    private Limits() {
    }
}
