package dev.caravan.backend;

/** The backend refused or could not be reached; the message names the job or run and never a secret. */
public class BackendException extends Exception {

    private final boolean critical;

    public BackendException(String message) {
        this(message, null, false);
    }

    public BackendException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * @param critical the environment cannot work at all (its credentials are refused, its token
     *                 endpoint is down): CRITICAL, and the environment releases nothing this cycle
     */
    public BackendException(String message, Throwable cause, boolean critical) {
        super(message, cause);
        this.critical = critical;
    }

    public boolean isCritical() {
        return critical;
    }
}
