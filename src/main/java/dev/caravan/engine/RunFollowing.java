package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.model.RunStatus;
import dev.caravan.model.State;
import dev.caravan.model.Transition;
import dev.caravan.tracking.Journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.caravan.engine.CycleContext.listing;
import static dev.caravan.engine.CycleContext.oneLine;

/**
 * Following runs to their end: the jobs in flight on an environment, and the runs of jobs an operator
 * moved out of {@code queued} while they were going. Called under the context's lock.
 */
final class RunFollowing {

    private final CycleContext ctx;

    RunFollowing(CycleContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Asks the backend about every job in flight on {@code env} and moves the finished ones; on an environment with a
     * poll interval, only when a poll round is due.
     */
    List<Notification> poll(String env) {
        List<Notification> out = new ArrayList<>();
        Backend backend = ctx.backend(env);
        if (!ctx.pollNow(env)) {
            return out; // a remote environment between two poll rounds: its service is asked once per interval
        }
        List<Job> inFlight = ctx.tree.index().inFlight(env);
        List<Journal.Watch> watches = ctx.journal.watches().stream().filter(w -> w.env().equals(env)).toList();
        List<RunHandle> all = new ArrayList<>();
        inFlight.forEach(j -> all.add(new RunHandle(j.ref(), j.newestRun().orElseThrow().runId())));
        watches.forEach(w -> all.add(new RunHandle(w.job(), w.runId())));
        Map<String, RunStatus> statuses = new LinkedHashMap<>();
        int batch = Math.max(1, backend.pollBatchSize());
        try {
            for (int i = 0; i < all.size(); i += batch) {
                statuses.putAll(backend.poll(all.subList(i, Math.min(all.size(), i + batch))));
            }
            ctx.envProblems.remove(env);
        } catch (BackendException e) {
            ctx.envProblems.put(env, e.getMessage());
            out.add(ctx.trouble(env, e, "cannot poll " + env + " (no job moved, will ask again next cycle)"));
            return out;
        }
        List<Transition> moved = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Job j : inFlight) {
            String runId = j.newestRun().orElseThrow().runId();
            RunStatus st = statuses.getOrDefault(runId, RunStatus.unknown("no answer for this run"));
            switch (st.phase()) {
                case COMPLETED -> moved.add(ctx.tree.move(j.ref(), State.COMPLETED, st.detail()));
                case FAILED -> {
                    moved.add(ctx.tree.move(j.ref(), State.FAILED, st.detail()));
                    failures.add(j.ref() + " (run " + runId + "): " + oneLine(st.detail()));
                }
                case UNKNOWN -> unknown.add(j.ref() + " (run " + runId + "): " + oneLine(st.detail()));
                default -> {
                }
            }
        }
        ctx.recordMoves(moved);
        out.addAll(endWatches(env, watches, statuses));
        if (!failures.isEmpty()) {
            out.add(Notification.warning(listing(failures.size() + " jobs failed on " + env, failures)));
        }
        if (!unknown.isEmpty()) {
            out.add(Notification.warning(listing(unknown.size() + " runs unknown to " + env + " (jobs stay in queued)",
                    unknown)));
        }
        return out;
    }

    /** Every run in flight now, per job: taken before a merge to see what operators moved. */
    Map<JobRef, Journal.Watch> inFlightEverywhere() {
        Map<JobRef, Journal.Watch> out = new LinkedHashMap<>();
        for (String env : ctx.settings.environments().keySet()) {
            for (Job j : ctx.tree.index().inFlight(env)) {
                out.put(j.ref(), new Journal.Watch(j.ref(), env, j.newestRun().orElseThrow().runId()));
            }
        }
        return out;
    }

    /**
     * A job an operator moved out of {@code queued} while its run was going: the run is followed to its
     * end (and reported), and the job is not released again meanwhile, so no run is lost or doubled.
     */
    List<Notification> followMovedRuns(Map<JobRef, Journal.Watch> before) {
        List<Journal.Watch> watches = new ArrayList<>(ctx.journal.watches());
        List<String> moved = new ArrayList<>();
        for (Journal.Watch w : before.values()) {
            Optional<Job> now = ctx.tree.index().get(w.job());
            boolean stillFlying = now.isPresent() && now.get().inFlightOn(w.env())
                    && now.get().newestRun().map(r -> r.runId().equals(w.runId())).orElse(false);
            if (!stillFlying && watches.stream().noneMatch(x -> x.equals(w))) {
                watches.add(w);
                moved.add(w.job() + " (run " + w.runId() + " on " + w.env() + ") now "
                        + now.map(j -> "in " + j.state()).orElse("gone from the tree"));
            }
        }
        if (moved.isEmpty()) {
            return List.of();
        }
        ctx.journal.saveWatches(watches);
        return List.of(Notification.warning(listing(moved.size() + " jobs were moved out of queued by an operator while"
                + " their runs were going; each run is followed to its end and the job is not released again until then",
                moved)));
    }

    private List<Notification> endWatches(String env, List<Journal.Watch> watches, Map<String, RunStatus> statuses) {
        List<String> ended = new ArrayList<>();
        List<Journal.Watch> keep = new ArrayList<>(ctx.journal.watches());
        for (Journal.Watch w : watches) {
            RunStatus st = statuses.get(w.runId());
            if (st != null && (st.isFinished() || st.phase() == RunStatus.Phase.UNKNOWN)) {
                keep.remove(w);
                ended.add(w.job() + " (run " + w.runId() + "): " + st.phase().name().toLowerCase() + " "
                        + oneLine(st.detail()) + "; the job stays where the operator put it");
            }
        }
        if (ended.isEmpty()) {
            return List.of();
        }
        ctx.journal.saveWatches(keep);
        return List.of(Notification.warning(listing(ended.size() + " runs of jobs moved by an operator ended on " + env,
                ended)));
    }
}
