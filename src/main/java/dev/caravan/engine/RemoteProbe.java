package dev.caravan.engine;

import java.time.Duration;

/**
 * When to look at the remote beside a cycle: never two looks at once (a remote that hangs until the timeout cannot pile
 * them up) and at most one per interval (a burst of cycles makes no burst of looks) while it answers. While it is down
 * the interval does not apply: the look that finds it back is not put off because one failed a moment ago (with a
 * cycle every 200 ms that was a cycle or two more of waiting), and one at a time still bounds a remote that hangs.
 * A cycle may wait a moment for the look it started ({@link #awaitDone}). Pure bookkeeping: the engine looks.
 */
final class RemoteProbe {

    private final long everyNanos;
    private boolean inFlight;
    private boolean started;
    private long lastStart;

    RemoteProbe(Duration every) {
        this.everyNanos = every.toNanos();
    }

    /**
     * True when a look may start at {@code nowNanos} ({@link System#nanoTime}); it is then in flight until
     * {@link #done}. {@code remoteDown}: the last fetch, push or look did not get an answer.
     */
    synchronized boolean claim(long nowNanos, boolean remoteDown) {
        if (inFlight || !remoteDown && started && nowNanos - lastStart < everyNanos) {
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
        notifyAll();
    }

    /** Waits until no look is in flight, at most {@code max}; true when none is. */
    synchronized boolean awaitDone(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        for (long left = max.toNanos(); inFlight && left > 0; left = end - System.nanoTime()) {
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return !inFlight;
    }
}
