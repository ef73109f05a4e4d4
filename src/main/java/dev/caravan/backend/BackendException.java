package dev.caravan.backend;

/** The backend refused or could not be reached; the message names the job or run and never a secret. */
public class BackendException extends Exception {

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
