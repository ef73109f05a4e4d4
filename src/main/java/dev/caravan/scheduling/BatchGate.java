package dev.caravan.scheduling;

import dev.caravan.model.Job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gate of batches people drive ({@link BatchRelease}): a batch that is not started releases nothing; a started
 * one releases to its own environment only, from its start position on, in its order, at most its parallelism at a
 * time. Keys are {@code group/batch}. One gate serves one release plan: it counts what it lets through.
 */
public final class BatchGate {

    private final String env;
    private final Map<String, BatchRelease> managed;
    private final Map<String, Map<String, Integer>> positions = new HashMap<>();
    private final Map<String, Integer> running;

    /** @param inFlight jobs in flight on the environment, counted against each batch's parallelism */
    public BatchGate(String env, Map<String, BatchRelease> managed, List<Job> inFlight) {
        this.env = env;
        this.managed = Map.copyOf(managed);
        this.running = new HashMap<>();
        for (Job j : inFlight) {
            String k = key(j);
            if (managed.containsKey(k)) {
                running.merge(k, 1, Integer::sum);
            }
        }
    }

    public static String key(Job j) {
        return j.ref().group() + "/" + j.ref().batch();
    }

    /** The backlog with each managed batch's jobs in that batch's order (the others as they were: by path). */
    public List<Job> arrange(List<Job> backlog) {
        if (managed.isEmpty()) {
            return backlog;
        }
        // each job's place looked up once, not in every comparison (a 10,000-item batch's Start waits for this)
        List<Placed> placed = new ArrayList<>(backlog.size());
        for (Job j : backlog) {
            placed.add(new Placed(j, position(j)));
        }
        placed.sort(Comparator.comparing((Placed p) -> p.job().ref().group()).thenComparing(p -> p.job().ref().batch())
                .thenComparingInt(Placed::position).thenComparing(p -> p.job().ref().jobId()));
        List<Job> out = new ArrayList<>(placed.size());
        for (Placed p : placed) {
            out.add(p.job());
        }
        return out;
    }

    private record Placed(Job job, int position) {
    }

    /** Whether the job may go now; when it may, it counts against its batch's parallelism. */
    public boolean allows(Job j) {
        String k = key(j);
        BatchRelease r = managed.get(k);
        if (r == null) {
            return true;
        }
        if (!r.started() || !r.environment().equals(env) || position(j) < r.from()) {
            return false;
        }
        int now = running.getOrDefault(k, 0);
        if (r.parallel() > 0 && now >= r.parallel()) {
            return false;
        }
        running.put(k, now + 1);
        return true;
    }

    /** Whether this is a managed batch's job: jobs of other batches are not the gate's business. */
    public boolean isManaged(Job j) {
        return managed.containsKey(key(j));
    }

    private int position(Job j) {
        BatchRelease r = managed.get(key(j));
        if (r == null) {
            return 0;
        }
        Map<String, Integer> p = positions.computeIfAbsent(key(j), k -> r.positions());
        return p.getOrDefault(j.ref().jobId(), Integer.MAX_VALUE);
    }
}
