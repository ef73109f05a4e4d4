package dev.caravan.backend.awsbatch;

import java.util.concurrent.atomic.AtomicLong;

/** Counts of AWS calls and their answers, for the log, tests and the benchmark. */
public final class AwsBatchStats {

    public final AtomicLong submitCalls = new AtomicLong();
    public final AtomicLong submitted = new AtomicLong();
    public final AtomicLong skipped = new AtomicLong();
    public final AtomicLong throttled = new AtomicLong();
    public final AtomicLong serverErrors = new AtomicLong();
    public final AtomicLong lostAnswers = new AtomicLong();
    public final AtomicLong foundAfterLoss = new AtomicLong();
    public final AtomicLong describeCalls = new AtomicLong();
    public final AtomicLong listJobsCalls = new AtomicLong();
    public final AtomicLong s3ListCalls = new AtomicLong();
    public final AtomicLong cancelCalls = new AtomicLong();
    public final AtomicLong terminateCalls = new AtomicLong();

    @Override
    public String toString() {
        return "submitCalls=" + submitCalls + " submitted=" + submitted + " skipped=" + skipped + " throttled=" + throttled
                + " serverErrors=" + serverErrors + " lostAnswers=" + lostAnswers + " foundAfterLoss=" + foundAfterLoss
                + " describeCalls=" + describeCalls + " listJobsCalls=" + listJobsCalls + " s3ListCalls=" + s3ListCalls
                + " cancelCalls=" + cancelCalls + " terminateCalls=" + terminateCalls;
    }
}
