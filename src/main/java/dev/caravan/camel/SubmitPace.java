package dev.caravan.camel;

import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;
import dev.caravan.settings.EnvironmentKeys;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * How fast an environment may take submissions: N requests per period, or unlimited; and how many submissions of
 * it may be under way at once (the submit pool's threads).
 */
record SubmitPace(long requests, long periodMillis) {

    /** Submissions under way at once on an environment without a pace: the calls wait on I/O, not on the CPU. */
    static final int UNPACED_THREADS_PER_CORE = 4;
    /**
     * A paced submission may take up to a second (its calls and bookkeeping): on 2 cores shared with moto and other
     * work, AWS's S3 listing and SubmitJob took 400 ms, and 13 threads (a quarter of a second each) held a 50/s pace
     * to 30/s. A thread waiting for its slot only sleeps, so a second's worth costs nothing when calls are quick.
     */
    static final int PACED_SUBMISSIONS_PER_THREAD = 1;

    static SubmitPace of(Environment env) {
        Duration interval = EnvironmentKeys.submitInterval(env);
        if (!interval.isZero()) {
            return new SubmitPace(1, interval.toMillis());
        }
        int rate = EnvironmentKeys.submitRate(env).orElseGet(() -> Optional.ofNullable(Backends.factories()
                .get(env.backend())).map(BackendFactory::defaultSubmitRate).orElse(0));
        return rate > 0 ? new SubmitPace(rate, 1000) : new SubmitPace(0, 0);
    }

    boolean limited() {
        return requests > 0;
    }

    /**
     * How many submissions the limiter lets through at once after a quiet time: half a second's worth at a rate
     * (AWS's SubmitJob bucket holds one second's worth, so requests that arrive bunched by up to half a second are
     * still within it), one when paced by an interval (ICGC's pause comes between every two submissions). The first
     * second too: a whole bucket at first (50 at once) was tried and measured (10,000 jobs through the bench's proxy):
     * pacing at exactly AWS's rate, nothing ever refills the slack, so the first submissions that reached AWS out of
     * their order were refused, each retry took a token the pace had given another, and 14 jobs met 429 eight times
     * and stayed in the backlog. Half a bucket costs half a second over a whole pass.
     */
    long burst() {
        return periodMillis >= 1000 && requests > 1 ? Math.max(1, requests * 500 / periodMillis) : 1;
    }

    /** Threads that keep this pace: more would only wait in the limiter or for the engine's lock. */
    int threads(int cores) {
        if (!limited()) {
            return UNPACED_THREADS_PER_CORE * Math.max(1, cores);
        }
        double perSecond = requests * 1000.0 / periodMillis;
        return (int) Math.max(1, Math.ceil(perSecond / PACED_SUBMISSIONS_PER_THREAD));
    }

    /** The submit pool is shared by the environments, which a cycle goes through one after the other. */
    static int poolThreads(Collection<Environment> envs, int cores) {
        return envs.stream().mapToInt(e -> of(e).threads(cores)).max().orElse(1);
    }
}
