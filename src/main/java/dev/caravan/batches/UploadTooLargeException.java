package dev.caravan.batches;

/** An upload past {@code caravan.batches.max-upload}; found while reading, before the rest is read (HTTP 413). */
public class UploadTooLargeException extends BatchInputException {

    private final long limit;

    public UploadTooLargeException(String field, long limit) {
        super(field + " is larger than the upload limit of " + limit + " bytes (caravan.batches.max-upload)",
                field, null, null, null);
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
