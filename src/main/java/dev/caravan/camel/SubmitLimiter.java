package dev.caravan.camel;

import java.util.concurrent.TimeUnit;

/**
 * An environment's submission pace as a token bucket: on average {@code requests} per {@code period}, and after a
 * quiet time up to {@link SubmitPace#burst} at once. Camel's throttle counts starts in a sliding window, so a
 * submission that starts late (a busy machine) leaves its slot unused for good, and a 50/s pass ends below 50/s; here
 * the slots a late caller missed are taken up again, up to the burst. Each caller blocks until its slot.
 */
final class SubmitLimiter {

    private final long intervalNanos;
    private final long burstNanos;
    private long next = Long.MIN_VALUE;

    SubmitLimiter(SubmitPace pace) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(pace.periodMillis()) / pace.requests();
        this.burstNanos = (pace.burst() - 1) * intervalNanos;
    }

    /** Blocks until the caller's slot. */
    void await() throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(reserve(System.nanoTime()));
    }

    /** Takes the next slot; how long the caller must wait for it. */
    synchronized long reserve(long now) {
        long slot = next == Long.MIN_VALUE ? now - burstNanos : Math.max(next, now - burstNanos);
        next = slot + intervalNanos;
        return Math.max(0, slot - now);
    }
}
