package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** A backend whose calls are counted and timed in {@link Figures}, failed calls included. */
final class TimedBackend implements Backend {

    private interface Call<T> {
        T run() throws BackendException;
    }

    private final String env;
    private final Backend backend;
    private final Figures figures;

    TimedBackend(String env, Backend backend, Figures figures) {
        this.env = env;
        this.backend = backend;
        this.figures = figures;
    }

    private <T> T timed(String operation, Call<T> call) throws BackendException {
        long start = System.nanoTime();
        try {
            return call.run();
        } finally {
            figures.call(env, operation, System.nanoTime() - start);
        }
    }

    @Override
    public String submit(SubmitRequest request) throws BackendException {
        return timed("submit", () -> backend.submit(request));
    }

    @Override
    public Optional<String> findSubmission(SubmitRequest request) throws BackendException {
        return timed("find", () -> backend.findSubmission(request));
    }

    @Override
    public Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException {
        return timed("poll", () -> backend.poll(runs));
    }

    @Override
    public void cancel(RunHandle run, String reason) throws BackendException {
        timed("cancel", () -> {
            backend.cancel(run, reason);
            return null;
        });
    }

    @Override
    public void discard(JobRef job) throws BackendException {
        backend.discard(job);
    }

    @Override
    public boolean chainsRuns() {
        return backend.chainsRuns();
    }

    @Override
    public int pollBatchSize() {
        return backend.pollBatchSize();
    }

    @Override
    public Optional<String> healthProblem() {
        return backend.healthProblem();
    }

    @Override
    public void close() {
        backend.close();
    }
}
