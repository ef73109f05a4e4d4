package dev.caravan.aws;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff ("full jitter"): before retry {@code n} (1-based) wait a random time between
 * 0 and {@code min(cap, base * 2^(n-1))}. Used for AWS throttling answers (429) and server errors (5xx).
 */
public final class Backoff {

    /** Waits; tests replace it to run without sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Duration base;
    private final Duration cap;
    private final int maxAttempts;
    private final Sleeper sleeper;

    public Backoff(Duration base, Duration cap, int maxAttempts, Sleeper sleeper) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.base = base;
        this.cap = cap;
        this.maxAttempts = maxAttempts;
        this.sleeper = sleeper;
    }

    public static Backoff standard(int maxAttempts) {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), maxAttempts, Thread::sleep);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** The upper bound of the wait before retry {@code retry} (1-based). */
    public long ceilingMillis(int retry) {
        long ceiling = base.toMillis() << Math.min(30, Math.max(0, retry - 1));
        return Math.min(cap.toMillis(), ceiling);
    }

    /** Sleeps before retry {@code retry}. */
    public void pause(int retry) throws InterruptedException {
        long ceiling = ceilingMillis(retry);
        sleeper.sleep(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /** A plain wait through the same sleeper. */
    public void sleep(long millis) throws InterruptedException {
        sleeper.sleep(millis);
    }

    public Backoff withSleeper(Sleeper s) {
        return new Backoff(base, cap, maxAttempts, s);
    }
}
