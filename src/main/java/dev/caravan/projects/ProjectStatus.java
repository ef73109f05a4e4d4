package dev.caravan.projects;

import dev.caravan.model.Job;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code project status}: a workflow's jobs per state, and per AWS Batch status for those in flight. */
final class ProjectStatus {

    private ProjectStatus() {
    }

    static ProjectService.Status of(String workflow, String env, List<Job> jobs, AwsBatch b) {
        Map<String, Integer> byState = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        int skipped = 0;
        for (Job j : jobs) {
            byState.merge(j.state().name(), 1, Integer::sum);
            Optional<RunMarker> run = j.newestRun();
            if (j.state().equals(State.QUEUED) && run.isPresent()) {
                if (b.isSkipped(run.get().runId())) {
                    skipped++;
                } else {
                    ids.add(run.get().runId());
                }
            }
        }
        long calls0 = b.describeCalls();
        long t0 = System.nanoTime();
        Map<String, String> statuses = b.statuses(ids);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Map<String, Integer> aws = new TreeMap<>();
        statuses.values().forEach(st -> aws.merge(st, 1, Integer::sum));
        return new ProjectService.Status(workflow, env, jobs.size(), byState, aws, ids.size(), skipped,
                ids.size() - statuses.size(), b.describeCalls() - calls0, ms);
    }
}
