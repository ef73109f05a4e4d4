package dev.caravan.scheduling;

import dev.caravan.model.Job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Which backlog jobs go into the free slots of one environment: groups in the priority list first (in
 * its order), then the other groups sorted, minus excluded groups; inside a group jobs by path; a job
 * with earlier runs only goes back to the environment of its newest run.
 */
public final class ReleasePlanner {

    private final List<String> priority;
    private final Set<String> exclude;

    public ReleasePlanner(List<String> priority, Set<String> exclude) {
        this.priority = List.copyOf(priority);
        this.exclude = Set.copyOf(exclude);
    }

    /** Whether {@code env} may ever release this backlog job: its group is not excluded, it is not another's. */
    public boolean mayRelease(Job j, String env) {
        return !exclude.contains(j.ref().group()) && j.mayRunOn(env);
    }

    /**
     * @param backlog  backlog jobs in path order
     * @param eligible jobs that may be released at all (not held, no pending submit intent)
     */
    public List<Job> pick(Collection<Job> backlog, String env, int slots, Predicate<Job> eligible) {
        if (slots <= 0) {
            return List.of();
        }
        Map<String, List<Job>> byGroup = new TreeMap<>();
        for (Job j : backlog) {
            if (mayRelease(j, env) && eligible.test(j)) {
                byGroup.computeIfAbsent(j.ref().group(), g -> new ArrayList<>()).add(j);
            }
        }
        Map<String, List<Job>> ordered = new LinkedHashMap<>();
        for (String g : priority) {
            List<Job> jobs = byGroup.remove(g);
            if (jobs != null) {
                ordered.put(g, jobs);
            }
        }
        ordered.putAll(byGroup);
        List<Job> out = new ArrayList<>(slots);
        for (List<Job> jobs : ordered.values()) {
            for (Job j : jobs) {
                if (out.size() == slots) {
                    return out;
                }
                out.add(j);
            }
        }
        return out;
    }
}
