package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.settings.EnvironmentKeys;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import dev.caravan.model.Transition;
import dev.caravan.model.TreeFile;
import dev.caravan.scheduling.BatchGate;
import dev.caravan.scheduling.BatchRelease;
import dev.caravan.scheduling.BatchBarrier;
import dev.caravan.scheduling.Chains;
import dev.caravan.scheduling.GateDecision;
import dev.caravan.scheduling.Gates;
import dev.caravan.scheduling.ReleasePlanner;
import dev.caravan.tracking.Intent;
import dev.caravan.tracking.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.caravan.engine.CycleContext.listing;

/**
 * Releasing backlog jobs, in the order that makes crashes safe: a durable submit intent, the backend,
 * then marker and move, then the intent is cleared. Also settles the intents a crash left behind, and
 * holds the gates. Everything but the backend call runs under the context's lock.
 */
final class Releases {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final CycleContext ctx;
    private final ReleasePlanner planner;
    private final SecureRandom random = new SecureRandom();
    private final GateNotes notes = new GateNotes();
    /**
     * Intents are written for up to this many of a release's submissions at once, forced once (Journal.recordIntents):
     * bounded, so a crash leaves at most this many more unsent submissions for the next start to ask the backend about.
     */
    static final int INTENT_GROUP = 64;
    /** Per environment, the planned releases in the order the route submits them, from which groups are taken. */
    private final Map<String, java.util.ArrayDeque<Release>> upcoming = new HashMap<>();
    /** Jobs whose intent is durable (in a group) and whose submission has not been tried yet. */
    private final Map<JobRef, Intent> prepared = new HashMap<>();
    /**
     * Per environment, the jobs of the running release that were given an intent: never given a second one, even when
     * a submission that runs out of the plan's order (chains go side by side) finds its job still in {@link #upcoming}.
     */
    private final Map<String, Set<JobRef>> taken = new HashMap<>();

    Releases(CycleContext ctx) {
        this.ctx = ctx;
        this.planner = new ReleasePlanner(ctx.settings.groupsPriority(), ctx.settings.groupsExclude());
    }

    /** Settles submissions a crash interrupted: found on the backend → recorded; never seen → forgotten. */
    List<Notification> reconcile(String env) {
        List<Notification> out = new ArrayList<>();
        List<Transition> moved = new ArrayList<>();
        Backend backend = ctx.backend(env);
        for (Intent intent : ctx.journal.intents()) {
            if (!intent.env().equals(env)) {
                continue;
            }
            Optional<Job> job = ctx.tree.index().get(intent.job());
            if (job.isEmpty()) {
                ctx.journal.clearIntent(intent.job());
                out.add(Notification.warning("submit intent for " + intent.job() + " on " + env
                        + " names a job that is no longer in the tree; dropped"));
                continue;
            }
            Optional<String> runId;
            try {
                runId = backend.findSubmission(new SubmitRequest(intent.job(), Map.of(), intent.token(), intent.attempt(),
                        job.get().newestRun()));
            } catch (BackendException e) {
                out.add(ctx.trouble(env, e, "cannot tell whether " + intent.job() + " reached " + env
                        + " (will ask again next cycle; the job is not released meanwhile)"));
                if (e.isCritical()) {
                    break;
                }
                continue;
            }
            if (runId.isEmpty()) {
                ctx.journal.clearIntent(intent.job());
                LOG.info("Submission of {} to {} never reached the backend; it will be released again", intent.job(), env);
                continue;
            }
            Job j = job.get();
            String id = runId.get();
            if (j.runs().stream().noneMatch(r -> r.runId().equals(id))) {
                ctx.tree.addMarker(j.ref(), new RunMarker(intent.epoch(), env, id));
            }
            if (j.state().equals(State.BACKLOG)) {
                moved.add(ctx.tree.move(j.ref(), State.QUEUED, "submitted as " + id + " (recovered)"));
            }
            ctx.journal.clearIntent(intent.job());
            LOG.info("Recovered the submission of {} to {} as run {}", intent.job(), env, id);
        }
        ctx.recordMoves(moved);
        return out;
    }

    /** Pause flag, excessive-failure flag, failure threshold; writes the flag when the threshold is reached. */
    GateDecision gates(String env) {
        if (ctx.blocked.contains(env)) {
            return new GateDecision(false, List.of(), Optional.empty()); // already reported CRITICAL
        }
        Environment e = ctx.settings.environments().get(env);
        boolean paused = ctx.tree.isPaused(env);
        boolean flagged = ctx.tree.hasExcessiveFailureFlag(env);
        GateDecision d = Gates.evaluate(env, paused, flagged, e.excessiveFailureThreshold(),
                ctx.journal.transitionsSincePush());
        d.flagText().ifPresent(text -> {
            ctx.tree.writeExcessiveFailureFlag(env, text);
            ctx.pushNow = true;
        });
        // a pause is announced by the note below, which names the jobs it holds back (once per change of them)
        List<Notification> out = new ArrayList<>(standing(env, paused, flagged, paused ? List.of() : d.notifications()));
        if (paused) {
            // which jobs the pause holds back: said once per change of them, not every cycle
            List<JobRef> held = ctx.tree.index().inState(State.BACKLOG).stream()
                    .filter(j -> mayRelease(j, env)).map(Job::ref).toList();
            notes.note(env, "pause", "environment " + env + " is paused (jobs/pause." + env + ")", held)
                    .ifPresent(out::add);
        } else {
            notes.clear(env, "pause");
        }
        return new GateDecision(d.releasesAllowed(), out, d.flagText());
    }

    /** A pause or a flag stands for many cycles: said when it starts (and at the reminder interval), and when it ends. */
    private List<Notification> standing(String env, boolean paused, boolean flagged, List<Notification> said) {
        List<Notification> out = new ArrayList<>();
        String pauseKey = "paused." + env;
        String flagKey = "excessive-failure." + env;
        if (paused) {
            said.forEach(n -> out.addAll(ctx.alerts.raise(pauseKey, n, ctx.now())));
        } else {
            out.addAll(ctx.alerts.clear(pauseKey, "environment " + env + " is no longer paused: releases resume"));
        }
        if (flagged && !paused) {
            said.forEach(n -> out.addAll(ctx.alerts.raise(flagKey, n, ctx.now())));
        } else if (!flagged) {
            out.addAll(ctx.alerts.clear(flagKey, "jobs/excessive_failure." + env + ".txt was removed: "
                    + env + " releases again"));
        }
        if (!paused && !flagged) {
            out.addAll(said); // a threshold just reached: the flag is written now, once
        }
        return out;
    }

    /** Picks the backlog jobs for the free slots of {@code env}, grouped into chains in dependency order. */
    ReleasePlan plan(String env) {
        Environment e = ctx.settings.environments().get(env);
        List<Job> inFlight = ctx.tree.index().inFlight(env);
        int slots = e.maxParallelRuns() - inFlight.size();
        Set<JobRef> pending = ctx.journal.intents().stream().map(Intent::job).collect(Collectors.toSet());
        Set<JobRef> watching = ctx.journal.watches().stream().map(Journal.Watch::job).collect(Collectors.toSet());
        List<Job> backlog = ctx.tree.index().inState(State.BACKLOG);
        Optional<String> barrier = EnvironmentKeys.batchBarrier(e)
                ? BatchBarrier.currentBatch(inFlight, backlog, j -> mayRelease(j, env)) : Optional.empty();
        List<Notification> gateNotes = new ArrayList<>();
        if (barrier.isPresent()) {
            List<JobRef> later = backlog.stream().filter(j -> mayRelease(j, env) && !j.ref().batch().equals(barrier.get()))
                    .map(Job::ref).toList();
            notes.note(env, "barrier", "batch barrier on " + env + ": batch " + barrier.get()
                    + " first, until every job of it has ended", later).ifPresent(gateNotes::add);
        } else {
            notes.clear(env, "barrier");
        }
        boolean chaining = ctx.backend(env).chainsRuns();
        BatchGate batches = new BatchGate(env, managedBatches(backlog), inFlight);
        List<Job> picks = planner.pick(batches.arrange(backlog), env, slots,
                j -> !ctx.tree.index().isHeld(j.ref()) && !pending.contains(j.ref()) && !watching.contains(j.ref())
                        && barrier.map(b -> b.equals(j.ref().batch())).orElse(true)
                        && (j.after().isEmpty() || Chains.releasable(j, env, chaining, ctx.tree.index()::get))
                        && batches.allows(j));
        Set<JobRef> waiting = backlog.stream().map(Job::ref).collect(Collectors.toSet());
        List<List<Release>> out = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (List<Job> chain : Chains.group(picks, waiting)) {
            // parameters are read by each submission, not here: the first submission goes out at once, not after
            // the whole plan's files were read (10,000 of them took seconds)
            out.add(chain.stream().map(job -> new Release(job.ref(), null)).toList());
        }
        settlePrepared(env); // a release that ended without its releaseDone (the route failed) leaves none behind
        java.util.ArrayDeque<Release> next = new java.util.ArrayDeque<>();
        out.forEach(next::addAll);
        upcoming.put(env, next);
        return new ReleasePlan(env, out, refused, gateNotes);
    }

    /** Settles the prepared intents of {@code env}'s jobs whose submission was never tried: nothing was sent. */
    private void settlePrepared(String env) {
        List<JobRef> untried = prepared.values().stream().filter(i -> i.env().equals(env)).map(Intent::job).toList();
        untried.forEach(job -> {
            prepared.remove(job);
            ctx.journal.clearIntent(job);
        });
        upcoming.remove(env);
        taken.remove(env);
    }

    /**
     * The durable intent for this submission: taken from its group when one was written for it, else a group is
     * written now for it and the next planned submissions that have none. Under the lock.
     */
    private Intent intentFor(String env, Job job, long now) {
        int attempt = job.runs().size() + 1;
        Intent ready = prepared.remove(job.ref());
        if (ready != null && ready.attempt() == attempt) {
            return ready;
        }
        if (ready != null) {
            ctx.journal.clearIntent(job.ref()); // the job changed since (a merge): its new intent is written below
        }
        Set<JobRef> given = taken.computeIfAbsent(env, e -> new HashSet<>());
        List<Intent> group = new ArrayList<>();
        Intent own = newIntent(env, job, now);
        group.add(own);
        given.add(job.ref());
        java.util.ArrayDeque<Release> next = upcoming.getOrDefault(env, new java.util.ArrayDeque<>());
        while (group.size() < INTENT_GROUP && !next.isEmpty()) {
            Release r = next.poll();
            if (given.contains(r.job())) {
                continue;
            }
            Optional<Job> j = ctx.tree.index().get(r.job());
            if (j.isPresent() && j.get().state().equals(State.BACKLOG)) {
                group.add(newIntent(env, j.get(), now));
                given.add(r.job());
            }
        }
        // forced once for the group, before any of its submissions is sent
        ctx.journal.recordIntents(group);
        group.subList(1, group.size()).forEach(i -> prepared.put(i.job(), i));
        return own;
    }

    private Intent newIntent(String env, Job job, long now) {
        int attempt = job.runs().size() + 1;
        return new Intent(job.ref(), env, job.ref().path() + "#" + attempt + "-" + nonce(), attempt, job.nextRunEpoch(now));
    }

    /** The release rules of the batches people drive among these jobs' batches; a damaged rule holds its batch. */
    private Map<String, BatchRelease> managedBatches(List<Job> backlog) {
        Map<String, BatchRelease> out = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (Job j : backlog) {
            String key = BatchGate.key(j);
            if (!seen.add(key)) {
                continue;
            }
            TreeFile f = TreeFile.ofBatch(j.ref().group(), j.ref().batch(), BatchRelease.FILE);
            try {
                ctx.tree.read(f).ifPresent(text -> out.put(key, BatchRelease.parse(text, ctx.tree.pathOf(f).toString())));
            } catch (BadInputException e) {
                LOG.warn("Batch {} releases nothing: {}", key, e.getMessage());
                out.put(key, BatchRelease.notStarted("", 0, List.of()));
            }
        }
        return out;
    }

    /**
     * Submits one job. The backend call runs outside the lock so that submissions can overlap; a job
     * whose predecessor was not submitted is refused, so a chain never runs ahead.
     */
    SubmitOutcome submit(String env, Release r) {
        Backend backend = ctx.backend(env);
        if (ctx.blocked.contains(env)) {
            synchronized (ctx) {
                settle(r.job());
            }
            return SubmitOutcome.skipped(r.job());
        }
        Job job;
        String token;
        long epoch;
        int attempt;
        List<String> dependsOn = new ArrayList<>();
        Map<String, Object> params = r.params();
        synchronized (ctx) {
            Optional<Job> j = ctx.tree.index().get(r.job());
            if (j.isEmpty() || !j.get().state().equals(State.BACKLOG)) {
                settle(r.job());
                return SubmitOutcome.skipped(r.job()); // moved by a merge since it was planned
            }
            job = j.get();
            for (JobRef p : job.afterRefs()) {
                Optional<Job> pred = ctx.tree.index().get(p);
                if (pred.isPresent() && pred.get().inFlightOn(env)) {
                    dependsOn.add(pred.get().newestRun().orElseThrow().runId());
                } else if (pred.isEmpty() || !pred.get().state().equals(State.COMPLETED)) {
                    settle(job.ref());
                    return SubmitOutcome.refused(job.ref(), job.ref() + ": runs after " + p + ", which was not submitted");
                }
            }
            if (params == null) {
                try {
                    params = ctx.tree.readParams(job);
                } catch (BadInputException ex) {
                    settle(job.ref());
                    return SubmitOutcome.refused(job.ref(), ex.getMessage()); // the rest of its chain runs after it
                }
            }
            // durable before the backend hears of it: written with a group of the next submissions, forced once
            long now = ctx.now().getEpochSecond();
            Intent intent = intentFor(env, job, now);
            token = intent.token();
            attempt = intent.attempt();
            // the marker says when it was sent; never before the intent's epoch, which orders it after older runs
            epoch = Math.max(intent.epoch(), job.nextRunEpoch(now));
        }
        String runId;
        try {
            runId = backend.submit(new SubmitRequest(job.ref(), params, token, attempt, job.newestRun(), dependsOn));
        } catch (BackendException | RuntimeException ex) {
            // The intent stays: next cycle asks the backend whether the run exists before anything else.
            if (ex instanceof BackendException be && be.isCritical()) {
                // only the first critical answer is reported: the others are the same trouble
                return ctx.blocked.add(env) ? SubmitOutcome.critical(job.ref(), be.getMessage()) : SubmitOutcome.skipped(job.ref());
            }
            return SubmitOutcome.refused(job.ref(), job.ref() + ": " + ex.getMessage());
        }
        FaultPoints.afterSubmit(job.ref().path());
        synchronized (ctx) {
            ctx.tree.addMarker(job.ref(), new RunMarker(epoch, env, runId));
            ctx.recordMoves(List.of(ctx.tree.move(job.ref(), State.QUEUED, "submitted as " + runId)));
            ctx.journal.clearIntent(job.ref());
        }
        return SubmitOutcome.submitted(job.ref(), runId);
    }

    /** A planned job is not submitted after all: its prepared intent, if any, is settled (nothing was sent). */
    private void settle(JobRef job) {
        if (prepared.remove(job) != null) {
            ctx.journal.clearIntent(job);
        }
    }

    /** After the last submission of a release: one line of log, one WARNING listing what was refused. */
    List<Notification> done(ReleasePlan plan, List<SubmitOutcome> outcomes) {
        settlePrepared(plan.env());
        long n = outcomes.stream().filter(o -> o.kind() == SubmitOutcome.Kind.SUBMITTED).count();
        if (n > 0) {
            LOG.info("Released {} jobs on {}", n, plan.env());
        }
        ctx.figures.released(plan.env(), n);
        ctx.figures.submitErrors(plan.env(), outcomes.stream().filter(o -> o.kind() == SubmitOutcome.Kind.CRITICAL
                || o.kind() == SubmitOutcome.Kind.REFUSED).count() + plan.refused().size());
        List<Notification> out = new ArrayList<>(plan.notes());
        List<String> critical = details(outcomes, SubmitOutcome.Kind.CRITICAL);
        String key = "releases." + plan.env();
        if (!critical.isEmpty()) {
            // a full work disk is the host's trouble, not the jobs': a WARNING, and no job is failed for it
            String text = "environment " + plan.env() + " stopped releasing in this cycle: " + String.join("; ", critical);
            boolean diskFull = critical.stream().anyMatch(c -> c.contains("(ENOSPC)"));
            out.addAll(ctx.alerts.raise(key, diskFull ? Notification.warning(text) : Notification.critical(text), ctx.now()));
        } else if (n > 0) {
            out.addAll(ctx.alerts.clear(key, "environment " + plan.env() + " releases again"));
        }
        List<String> refused = new ArrayList<>(plan.refused());
        refused.addAll(details(outcomes, SubmitOutcome.Kind.REFUSED));
        if (!refused.isEmpty()) {
            out.add(Notification.warning(listing(refused.size() + " jobs not submitted to " + plan.env()
                    + " (left in backlog)", refused)));
        }
        return out;
    }

    EnvironmentGates gatesOf(String env) {
        Environment e = ctx.settings.environments().get(env);
        List<Job> backlog = ctx.tree.index().inState(State.BACKLOG);
        Optional<String> barrier = EnvironmentKeys.batchBarrier(e)
                ? BatchBarrier.currentBatch(ctx.tree.index().inFlight(env), backlog, j -> mayRelease(j, env)) : Optional.empty();
        // the same count the barrier's INFO lists: what this environment would release but for the barrier
        int held = barrier.map(b -> (int) backlog.stream().filter(j -> mayRelease(j, env) && !j.ref().batch().equals(b)).count())
                .orElse(0);
        return new EnvironmentGates(ctx.tree.isPaused(env), ctx.tree.hasExcessiveFailureFlag(env), barrier, held);
    }

    /** A backlog job this environment could release were no gate closed. */
    private boolean mayRelease(Job j, String env) {
        return planner.mayRelease(j, env) && !ctx.tree.index().isHeld(j.ref());
    }

    private static List<String> details(List<SubmitOutcome> outcomes, SubmitOutcome.Kind kind) {
        return outcomes.stream().filter(o -> o.kind() == kind).map(SubmitOutcome::detail).toList();
    }

    private String nonce() {
        byte[] b = new byte[4];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
