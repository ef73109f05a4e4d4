package dev.caravan.batches.python;

/**
 * An error raised while evaluating a template expression, named like the Python exception the same
 * expression raises in WEPPcloud ({@code TypeError}, {@code KeyError}, ...), so people who know the
 * original read the same message. {@link #getMessage()} is {@code "TypeError: ..."}.
 */
public class PyException extends RuntimeException {

    private final String pyType;
    private final String detail;

    public PyException(String pyType, String detail) {
        super(pyType + ": " + detail, null, false, false);
        this.pyType = pyType;
        this.detail = detail;
    }

    public static PyException type(String detail) {
        return new PyException("TypeError", detail);
    }

    public static PyException value(String detail) {
        return new PyException("ValueError", detail);
    }

    /** A template went past one of {@link Limits}: not a Python error, a guard of ours. */
    public static PyException limit(String detail) {
        return new PyException("LimitError", detail);
    }

    public String pyType() {
        return pyType;
    }

    public String detail() {
        return detail;
    }
}
