package dev.caravan.engine;

import java.time.Duration;

/**
 * When to look at the remote beside a cycle: never two looks at once (a remote that hangs until the timeout cannot pile
 * them up) and at most one per interval (a burst of cycles makes no burst of looks). Pure bookkeeping: the engine looks.
 */
final class RemoteProbe {

    private final long everyNanos;
    private boolean inFlight;
    private boolean started;
    private long lastStart;

    RemoteProbe(Duration every) {
        this.everyNanos = every.toNanos();
    }

    /** True when a look may start at {@code nowNanos} ({@link System#nanoTime}); it is then in flight until {@link #done}. */
    synchronized boolean claim(long nowNanos) {
        if (inFlight || started && nowNanos - lastStart < everyNanos) {
            return false;
        }
        inFlight = true;
        started = true;
        lastStart = nowNanos;
        return true;
    }

    /** The look ended, whatever came of it. */
    synchronized void done() {
        inFlight = false;
    }
}
