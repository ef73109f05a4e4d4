package dev.caravan.backend.slurm;

import dev.caravan.backend.BackendException;

import java.util.List;
import java.util.Locale;

/**
 * A Slurm command failed, with the {@link Kind} its text says: slurmctld not answering (down, restarting, busy, a
 * command timed out) is {@link Kind#RETRYABLE}; Slurm refusing this job (bad partition, account, qos, resources,
 * params) is {@link Kind#BAD_INPUT}; a tool missing or munge refusing us is {@link Kind#CRITICAL}.
 */
final class SlurmException extends BackendException {

    /** What Slurm's clients print when the controller is not there or not answering (slurm_strerror texts). */
    private static final List<String> UNREACHABLE = List.of(
            "unable to contact slurm controller", "socket timed out", "connection refused",
            "zero bytes were transmitted or received", "communication connection failure",
            "slurm temporarily unable to accept job", "resource temporarily unavailable",
            "backup controller in standby mode", "slurmctld is not responding", "connection reset by peer");

    /** munge down or keys that differ: every call fails the same way until an administrator acts. */
    private static final List<String> AUTH = List.of(
            "munge", "protocol authentication error", "invalid authentication credential",
            "authentication failure", "plugin_load_from_file", "couldn't find the specified plugin");

    SlurmException(Kind kind, String message) {
        this(kind, message, null);
    }

    SlurmException(Kind kind, String message, Throwable cause) {
        super(message, cause, kind);
    }

    /**
     * A command that ran and exited non-zero: an unreachable controller and an authentication failure read the same
     * whichever tool met them; anything else is that tool refusing what it was asked ({@code refused}).
     */
    static Kind classify(String stderr, Kind refused) {
        String text = stderr.toLowerCase(Locale.ROOT);
        if (UNREACHABLE.stream().anyMatch(text::contains)) {
            return Kind.RETRYABLE;
        }
        if (AUTH.stream().anyMatch(text::contains)) {
            return Kind.CRITICAL;
        }
        return refused;
    }
}
