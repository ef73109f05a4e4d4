package dev.caravan.bench;

import dev.caravan.backend.Backend;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.RunStatus;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend that costs nothing: {@code submit} answers a fresh run id at once, {@code poll} answers COMPLETED
 * for every run it is asked about (or IN_FLIGHT while {@link #hold} is set, for an idle warm-up cycle), at most
 * {@value #POLL_BATCH} runs per call. Every call is counted, in static counters the benchmarks read (one JVM,
 * one class loader).
 */
public final class BenchBackend implements Backend {

    public static final int POLL_BATCH = 100;

    /** While true, every run is reported as still running: a cycle then moves nothing. */
    public static volatile boolean hold;

    public static final AtomicInteger SUBMITS = new AtomicInteger();
    public static final AtomicInteger POLL_CALLS = new AtomicInteger();
    public static final AtomicInteger POLLED_RUNS = new AtomicInteger();
    public static final AtomicInteger FIND_CALLS = new AtomicInteger();
    public static final AtomicInteger CANCELS = new AtomicInteger();
    private static final AtomicLong IDS = new AtomicLong();

    private final String env;

    BenchBackend(String env) {
        this.env = env;
    }

    public static void resetCounters() {
        SUBMITS.set(0);
        POLL_CALLS.set(0);
        POLLED_RUNS.set(0);
        FIND_CALLS.set(0);
        CANCELS.set(0);
    }

    public static String counters() {
        return "submits=" + SUBMITS.get() + " pollCalls=" + POLL_CALLS.get() + " polledRuns=" + POLLED_RUNS.get()
                + " findSubmission=" + FIND_CALLS.get() + " cancels=" + CANCELS.get();
    }

    @Override
    public String submit(SubmitRequest request) {
        SUBMITS.incrementAndGet();
        return "bench-" + env + "-" + System.currentTimeMillis() + "-" + IDS.incrementAndGet();
    }

    @Override
    public Optional<String> findSubmission(SubmitRequest request) {
        FIND_CALLS.incrementAndGet();
        return Optional.empty();
    }

    @Override
    public Map<String, RunStatus> poll(Collection<RunHandle> runs) {
        POLL_CALLS.incrementAndGet();
        POLLED_RUNS.addAndGet(runs.size());
        if (runs.size() > POLL_BATCH) {
            throw new IllegalStateException("poll of " + runs.size() + " runs; the batch size is " + POLL_BATCH);
        }
        Map<String, RunStatus> out = new LinkedHashMap<>();
        for (RunHandle r : runs) {
            out.put(r.runId(), hold ? RunStatus.inFlight("bench: held") : RunStatus.completed("bench: done"));
        }
        return out;
    }

    @Override
    public void cancel(RunHandle run, String reason) {
        CANCELS.incrementAndGet();
    }

    @Override
    public int pollBatchSize() {
        return POLL_BATCH;
    }
}
