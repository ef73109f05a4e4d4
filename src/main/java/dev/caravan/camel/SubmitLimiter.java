package dev.caravan.camel;

import java.util.concurrent.TimeUnit;

/**
 * An environment's submission pace as a token bucket: on average {@code requests} per {@code period}; at first use up
 * to {@link SubmitPace#initialBurst} at once (AWS's bucket is full then: its first second takes the full rate), and
 * after a quiet time up to {@link SubmitPace#burst} at once. Camel's throttle counts starts in a sliding window, so a
 * submission that starts late (a busy machine) leaves its slot unused for good, and a 50/s pass ends below 50/s; here
 * the slots a late caller missed are taken up again, up to the burst. Each caller blocks until its slot.
 */
final class SubmitLimiter {

    private final long intervalNanos;
    private final long burstNanos;
    private final long initialBurstNanos;
    private final long periodNanos;
    private long next = Long.MIN_VALUE;
    private long start;

    SubmitLimiter(SubmitPace pace) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(pace.periodMillis()) / pace.requests();
        this.burstNanos = (pace.burst() - 1) * intervalNanos;
        this.initialBurstNanos = (pace.initialBurst() - 1) * intervalNanos;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(pace.periodMillis());
    }

    /** Blocks until the caller's slot. */
    void await() throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(reserve(System.nanoTime()));
    }

    /** Takes the next slot; how long the caller must wait for it. */
    synchronized long reserve(long now) {
        // the first period takes a full bucket; later, missed slots are caught up to the (smaller) burst only, which
        // leaves room for submissions that reach the service out of their order
        if (next == Long.MIN_VALUE) {
            start = now;
            next = now - initialBurstNanos;
        }
        long slot = Math.max(next, now - (now - start < periodNanos ? initialBurstNanos : burstNanos));
        next = slot + intervalNanos;
        return Math.max(0, slot - now);
    }
}
