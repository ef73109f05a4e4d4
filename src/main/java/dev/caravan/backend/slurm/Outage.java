package dev.caravan.backend.slurm;

import dev.caravan.backend.BackendException;

/**
 * An unreachable slurmctld, remembered for a few seconds. Each call that meets it waits about MessageTimeout, so a
 * cycle releasing hundreds of jobs (or settling hundreds of intents) would otherwise spend minutes learning the same
 * thing. The memory is shorter than any sensible cycle interval, so the next cycle asks again.
 */
final class Outage {

    static final long MEMORY_NANOS = 5_000_000_000L;

    /** A Slurm call. */
    interface Call<T> {
        T run() throws SlurmException;
    }

    private volatile String reason;
    private volatile long at;

    /** @throws SlurmException RETRYABLE, saying {@code what} was not done, while an outage is fresh */
    void check(String what) throws SlurmException {
        String r = reason;
        long ago = System.nanoTime() - at;
        if (r != null && ago < MEMORY_NANOS) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, what + ": slurmctld was unreachable "
                    + ago / 1_000_000 + " ms ago, asked again next cycle (" + r + ")");
        }
    }

    /** Runs the call; a RETRYABLE failure is remembered, an answer (a success, a refusal) forgets the outage. */
    <T> T watch(Call<T> call) throws SlurmException {
        T result;
        try {
            result = call.run();
        } catch (SlurmException e) {
            throw noted(e);
        }
        reason = null;
        return result;
    }

    SlurmException noted(SlurmException e) {
        if (e.kind() == BackendException.Kind.RETRYABLE) {
            at = System.nanoTime();
            reason = e.getMessage();
        } else if (e.kind() == BackendException.Kind.BAD_INPUT) {
            reason = null; // Slurm answered: it refused this one job
        }
        return e;
    }
}
