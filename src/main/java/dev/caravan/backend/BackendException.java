package dev.caravan.backend;

/**
 * The backend refused or could not be reached; the message names the job or run and never a secret. Its
 * {@link Kind} tells the engine what to do next.
 */
public class BackendException extends Exception {

    /** What a failure means for the job and the environment. */
    public enum Kind {
        /**
         * The service could not be reached, answered 5xx, throttled or timed out: nothing happened, or we do not know
         * whether it did. The engine asks again next cycle (a submission is first looked up by its token).
         */
        RETRYABLE,
        /**
         * The environment cannot work at all (credentials refused, token endpoint down, nothing can start a run):
         * CRITICAL, and the environment releases nothing this cycle.
         */
        CRITICAL,
        /**
         * The service refused this job or this request (bad parameters, unknown queue, definition, gear or run; a 4xx
         * other than authentication): sending it again unchanged will not help. The job stays in the backlog with the
         * error named.
         */
        BAD_INPUT
    }

    private final Kind kind;

    /** A {@link Kind#RETRYABLE} failure, as every failure was before kinds existed. */
    public BackendException(String message) {
        this(message, null, Kind.RETRYABLE);
    }

    /** A {@link Kind#RETRYABLE} failure, as every failure was before kinds existed. */
    public BackendException(String message, Throwable cause) {
        this(message, cause, Kind.RETRYABLE);
    }

    public BackendException(String message, Throwable cause, Kind kind) {
        super(message, cause);
        this.kind = kind;
    }

    public static BackendException retryable(String message) {
        return new BackendException(message, null, Kind.RETRYABLE);
    }

    public static BackendException retryable(String message, Throwable cause) {
        return new BackendException(message, cause, Kind.RETRYABLE);
    }

    public static BackendException critical(String message) {
        return new BackendException(message, null, Kind.CRITICAL);
    }

    public static BackendException critical(String message, Throwable cause) {
        return new BackendException(message, cause, Kind.CRITICAL);
    }

    public static BackendException badInput(String message) {
        return new BackendException(message, null, Kind.BAD_INPUT);
    }

    public static BackendException badInput(String message, Throwable cause) {
        return new BackendException(message, cause, Kind.BAD_INPUT);
    }

    public Kind kind() {
        return kind;
    }

    /** The environment cannot work at all: see {@link Kind#CRITICAL}. */
    public boolean isCritical() {
        return kind == Kind.CRITICAL;
    }
}
