package dev.caravan.batches.template;

/** One token of a template expression; pos is the offset in the whole template (0-based). */
record Token(Kind kind, String text, Object value, int pos, char stringPrefix) {

    enum Kind { NAME, NUMBER, STRING, OP, NEWLINE, END }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isOp(String t) {
        return kind == Kind.OP && text.equals(t);
    }

    boolean isKeyword(String t) {
        return kind == Kind.NAME && text.equals(t);
    }
}
