package dev.caravan.batches;

import dev.caravan.model.BadInputException;

/**
 * Bad input to a batch (a name, an upload, a template, directives, resources), with where it is: the
 * request field, the feature or row index, the line and column. The HTTP API answers it as
 * {@code 400 {error, field?, index?, line?}}; {@link UploadTooLargeException} as 413.
 */
public class BatchInputException extends BadInputException {

    private final String field;
    private final Integer index;
    private final Integer line;
    private final Integer column;

    public BatchInputException(String message, String field, Integer index, Integer line, Integer column) {
        super(message);
        this.field = field;
        this.index = index;
        this.line = line;
        this.column = column;
    }

    public static BatchInputException field(String field, String message) {
        return new BatchInputException(message, field, null, null, null);
    }

    public static BatchInputException at(String field, int index, String message) {
        return new BatchInputException(message, field, index, null, null);
    }

    /** The request field the error is about ({@code batch}, {@code template}, {@code tasks[2].name}), or null. */
    public String field() {
        return field;
    }

    /** The feature, row or list item (0-based), or null. */
    public Integer index() {
        return index;
    }

    /** The line in the uploaded file (1-based), or null. */
    public Integer line() {
        return line;
    }

    /** The column in that line or in the template (1-based), or null. */
    public Integer column() {
        return column;
    }
}
