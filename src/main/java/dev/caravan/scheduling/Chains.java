package dev.caravan.scheduling;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Jobs that run after others of their batch (a workflow's steps for one sample). A job may be released
 * when each job it runs after has completed, is in flight on the same environment (the backend chains
 * them), or is released in the same pass ahead of it. Released jobs are grouped into chains, each in
 * dependency order, so that one chain is submitted step by step while chains go side by side.
 */
public final class Chains {

    private Chains() {
    }

    /**
     * Whether nothing this job runs after stands in the way (failed, missing, elsewhere, circular).
     *
     * @param chaining the backend orders runs itself; without it only completed predecessors count
     */
    public static boolean releasable(Job job, String env, boolean chaining, Function<JobRef, Optional<Job>> lookup) {
        return releasable(job, env, chaining, lookup, new HashSet<>());
    }

    private static boolean releasable(Job job, String env, boolean chaining, Function<JobRef, Optional<Job>> lookup,
                                      Set<JobRef> seen) {
        if (!seen.add(job.ref())) {
            return false; // circular
        }
        for (JobRef p : job.afterRefs()) {
            Optional<Job> pred = lookup.apply(p);
            if (pred.isEmpty()) {
                return false;
            }
            Job pj = pred.get();
            boolean ok = pj.state().equals(State.COMPLETED)
                    || (chaining && pj.inFlightOn(env))
                    || (chaining && pj.state().equals(State.BACKLOG) && releasable(pj, env, true, lookup, seen));
            if (!ok) {
                return false;
            }
        }
        seen.remove(job.ref());
        return true;
    }

    /**
     * Keeps the picked jobs whose backlog predecessors are picked too, and groups them into chains in
     * dependency order; chains keep the order of their first job in {@code picked}.
     *
     * @param backlog every job ref now in the backlog
     */
    public static List<List<Job>> group(List<Job> picked, Set<JobRef> backlog) {
        Map<JobRef, Job> byRef = new LinkedHashMap<>();
        picked.forEach(j -> byRef.put(j.ref(), j));
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Job j : List.copyOf(byRef.values())) {
                for (JobRef p : j.afterRefs()) {
                    // a predecessor still waiting in the backlog must go out in this same pass
                    if (!byRef.containsKey(p) && backlog.contains(p)) {
                        byRef.remove(j.ref());
                        changed = true;
                        break;
                    }
                }
            }
        }
        Map<JobRef, JobRef> root = new HashMap<>();
        for (Job j : byRef.values()) {
            for (JobRef p : j.afterRefs()) {
                if (byRef.containsKey(p)) {
                    union(root, j.ref(), p);
                }
            }
        }
        Map<JobRef, List<Job>> chains = new LinkedHashMap<>();
        for (Job j : byRef.values()) {
            chains.computeIfAbsent(find(root, j.ref()), r -> new ArrayList<>()).add(j);
        }
        List<List<Job>> out = new ArrayList<>();
        for (List<Job> chain : chains.values()) {
            out.add(ordered(chain));
        }
        return out;
    }

    private static List<Job> ordered(List<Job> chain) {
        Map<JobRef, Job> left = new LinkedHashMap<>();
        chain.forEach(j -> left.put(j.ref(), j));
        List<Job> out = new ArrayList<>();
        while (!left.isEmpty()) {
            Job next = left.values().stream()
                    .filter(j -> j.afterRefs().stream().noneMatch(left::containsKey))
                    .findFirst().orElseThrow(() -> new IllegalStateException("circular dependency among " + left.keySet()));
            out.add(next);
            left.remove(next.ref());
        }
        return out;
    }

    private static JobRef find(Map<JobRef, JobRef> root, JobRef x) {
        JobRef r = root.getOrDefault(x, x);
        return r.equals(x) ? x : find(root, r);
    }

    private static void union(Map<JobRef, JobRef> root, JobRef a, JobRef b) {
        JobRef ra = find(root, a);
        JobRef rb = find(root, b);
        if (!ra.equals(rb)) {
            root.put(ra, rb);
        }
    }
}
