package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.model.Notification;
import dev.caravan.report.PhaseTimes;
import dev.caravan.report.StateReport;
import dev.caravan.scheduling.GateDecision;
import dev.caravan.tracking.DemoSeeder;
import dev.caravan.tracking.GitRepo;
import dev.caravan.tracking.Journal;
import dev.caravan.tracking.TrackingTree;
import dev.caravan.tracking.TreeView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.backend.RunEnds;
import dev.caravan.settings.EnvironmentKeys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the routes call: each public method is one step of a cycle, returning values (the notifications it
 * produced, a release plan, a submission's outcome) for the route to send on or hand to the next step, so no step
 * depends on another having filled something in. The steps themselves live beside it: {@link RepoSteps} (merge,
 * stage, push), {@link RunFollowing} (poll), {@link Releases} (gates, intents, submissions), and {@link Intake}, the
 * one way capabilities change the tree. This class holds the lock they share and the cycle's outcome for health
 * checks. It exposes no JGit or Camel type.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final String CYCLE_ALERT = "cycle";
    private static final String ENV_ALERT = "environment.";

    private final CycleContext ctx;
    private final RunFollowing runs;
    private final Releases releases;
    private final RepoSteps repo;
    private final Intake intake;
    private final CycleRequests requests = new CycleRequests();
    private final RemoteProbe probe;
    private final Map<String, Duration> pollIntervals;
    private volatile Instant lastCycleEnd;
    private volatile String lastCycleProblem;
    private volatile Instant standbySince;

    private Engine(CycleContext ctx, Map<String, Duration> pollIntervals) {
        this.ctx = ctx;
        this.pollIntervals = Map.copyOf(pollIntervals);
        this.runs = new RunFollowing(ctx);
        this.releases = new Releases(ctx);
        this.repo = new RepoSteps(ctx, runs);
        this.intake = new Intake(ctx);
        this.probe = new RemoteProbe(ctx.settings.cycleSources().probeInterval());
    }

    /** Opens (or clones, or seeds) the tracking repo and reads the tree; touches nothing in it. */
    public static Engine open(CaravanSettings s, Map<String, BackendFactory> factories, Clock clock) {
        s.trackingSeed().ifPresent(seed -> {
            if (DemoSeeder.seedIfMissing(s.trackingRemote(), seed, s.adminBranch())) {
                LOG.info("Made the demo remote {} from {}", s.trackingRemote(), seed);
            }
        });
        PhaseTimes.begin("clone-check");
        GitRepo git = GitRepo.open(s.trackingDir(), s.trackingRemote(), s.trackingBranch(), s.adminBranch());
        PhaseTimes.end("clone-check");
        Journal journal = new Journal(git.caravanDir());
        TrackingTree tree = new TrackingTree(s.trackingDir(), Optional.of(journal.dirtyMarker()));
        Map<String, Backend> backends = new LinkedHashMap<>();
        RunEndRelay ends = new RunEndRelay();
        // only a daemon whose triggers run has anyone to tell: one-shot commands and tools watch nothing
        BackendContext bc = new BackendContext(s.workDir().toAbsolutePath(), clock,
                s.triggersEnabled() && s.cycleSources().onRunEnd() ? ends : RunEnds.NONE);
        Map<String, Duration> polls = new LinkedHashMap<>();
        s.environments().forEach((name, env) -> {
            BackendFactory f = factories.get(env.backend());
            backends.put(name, f.create(env, bc));
            polls.put(name, EnvironmentKeys.pollInterval(env, f));
        });
        CycleContext ctx = new CycleContext(s, git, tree, journal, backends, clock);
        ends.ctx = ctx;
        // what the first read found (bad files, links) goes out with the first cycle, not only to the log
        ctx.readInBackground();
        return new Engine(ctx, polls);
    }

    /** The one way jobs are added, sent back to the backlog, aborted or deleted. */
    public Intake intake() {
        return intake;
    }

    /**
     * Another way this process may hold the clone's cycle lock besides {@code CycleLock.tryAcquire}: the daemons'
     * leader election, with the moment it took the lock (empty while it does not hold it). Only a holder removes Git
     * lock files a crash left behind, those older than that moment: a standby that takes over removes the killed
     * leader's, although they are younger than its own start.
     */
    public void alsoHoldsCycleLockSince(java.util.function.Supplier<Optional<Instant>> leader) {
        java.util.function.Supplier<Optional<Instant>> own = ctx.cycleLockSince;
        ctx.cycleLockSince = () -> {
            Optional<Instant> a = own.get();
            Optional<Instant> b = leader.get();
            // held both ways: since the earlier
            return a.isEmpty() ? b : b.isEmpty() || a.get().isBefore(b.get()) ? a : b;
        };
    }

    /**
     * Calls {@code listener} after each commit with the paths it committed (relative to the clone, '/'-separated):
     * how the API's event stream hears of every state change as it is committed. It runs under the engine's lock:
     * hand the paths over and return.
     */
    public void onCommit(java.util.function.Consumer<java.util.Set<String>> listener) {
        ctx.commitListeners.add(listener);
    }

    /** The tracking clone. */
    public Path trackingDir() {
        return ctx.tree.root();
    }

    /**
     * Where capabilities keep what they remember beside the tree and never commit ({@code .git/caravan}, beside the
     * submit intents): a clone is the whole state, and what is here survives a restart.
     */
    public Path stateDir() {
        return ctx.journal.dir();
    }

    /**
     * The environments a cycle goes through: all of them, or only those {@code only} names, comma-separated, when it is
     * given (one-shot commands, requested cycles).
     */
    public List<String> environmentNames(String only) {
        if (only == null || only.isBlank()) {
            return List.copyOf(ctx.settings.environments().keySet());
        }
        List<String> names = java.util.Arrays.stream(only.split(",")).map(String::strip).filter(n -> !n.isEmpty())
                .distinct().toList();
        names.forEach(ctx::backend);
        return names;
    }

    // --- what requests cycles (the event sources; routes/cycle.camel.yaml says when) ------------------

    /**
     * Asks for a cycle of {@code envs} (empty: every environment) as soon as the running one, if any, is done: the
     * API for capabilities (a batch started, a plan made). Requests are coalesced; nothing happens in one-shot
     * commands, whose cycles are run by hand.
     */
    public void requestCycle(Collection<String> envs, String source) {
        ctx.requester.request(envs, source);
    }

    /** The daemon's routes take the requests from here on; intakes request cycles when the settings say so. */
    public void onCycleRequest(CycleRequester requester) {
        ctx.requester = requester;
        ctx.requestOnIntake = ctx.settings.cycleSources().onIntake();
    }

    /**
     * A request reached the request-cycle route: its environments (comma-separated, empty: all) join the waiting
     * cycle; true when none was waiting, so the route queues one.
     */
    public boolean cycleRequested(String envs) {
        return requests.request(environmentNames(envs));
    }

    /** The waiting cycle starts: the environments it covers, comma-separated. */
    public String takeCycleRequest() {
        return requests.take();
    }

    /** {@code [requested, started, waiting]}: requests received, requested cycles started, 1 when one waits. */
    public long[] cycleRequestCounts() {
        return requests.counts();
    }

    /** Each environment's poll interval; zero: its backend is asked in every cycle. */
    public Map<String, Duration> pollIntervals() {
        return pollIntervals;
    }

    /** From now on {@code env}'s backend is asked only when {@link #pollRoundDue} says so, first in the next cycle. */
    public void pollOnTimer(String env) {
        ctx.backend(env);
        ctx.pollDue.add(env);
        ctx.pollOnTimer.add(env);
    }

    /** The poll interval of {@code env} has passed: its next cycle asks the backend about every run in flight. */
    public void pollRoundDue(String env) {
        ctx.pollDue.add(env);
    }

    /** From now on a timer fetches ({@link #adminChanged}); cycles merge what it brought without fetching. */
    public void fetchOnTimer() {
        ctx.fetchOnTimer = true;
    }

    /** Fetches the remote: true when an operator pushed to the admin branch since the last fetch. */
    public boolean adminChanged() {
        // a fetch writes the remote-tracking refs, which a push writes too: it takes the clone's writer (before the
        // engine's lock, as commits do)
        ctx.commits.hold();
        try {
            synchronized (ctx) {
                return fetchAdmin();
            }
        } finally {
            ctx.commits.release();
        }
    }

    private boolean fetchAdmin() {
        try {
            boolean changed = ctx.git.fetchAdminChanged();
            ctx.remoteDown = null;
            ctx.mergeWanted |= changed;
            return changed;
        } catch (dev.caravan.tracking.RemoteUnreachableException e) {
            // the next cycle says so (once) and holds its push back; a later fetch that gets through clears it
            ctx.remoteDown = e;
            LOG.debug("Fetch: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Beside a cycle (the cycle route): whether to look at the remote now. Only with a fetch timer (without one every
     * cycle fetches itself); true claims the one look that may be in flight, which {@link #probeRemote} ends.
     */
    public boolean remoteProbeDue() {
        return lookDue(false);
    }

    /**
     * At a cycle's start while the remote is down (the cycle route): whether to look at it now, before the cycle decides
     * whether it catches up; true claims the look, which {@link #awaitRemoteLook} then waits for. Beside the cycle, the
     * look that found the remote back made only the next cycle catch up: a cycle or two after the return.
     */
    public boolean remoteDownLookDue() {
        return lookDue(true);
    }

    /** A look claimed, when the remote's state is {@code down} (each state has its place in the cycle route). */
    private boolean lookDue(boolean down) {
        return (ctx.remoteDown != null) == down && ctx.fetchOnTimer && ctx.git.hasRemote()
                && probe.claim(System.nanoTime(), down);
    }

    /**
     * Waits for the look this cycle started, at most {@code caravan.tracking.probe-wait}: a remote that refuses answers
     * at once, one that is back answers (and is fetched) within it, and one that hangs holds the cycle up no longer.
     */
    public void awaitRemoteLook() throws InterruptedException {
        if (!probe.awaitDone(ctx.settings.cycleSources().probeWait())) {
            LOG.debug("The look at the remote did not answer within {}: the cycle goes on", ctx.settings.cycleSources().probeWait());
        }
    }

    /**
     * The look at the remote, on a thread of its own (remote-probe in git.camel.yaml), never holding a cycle up: where
     * is the admin branch ({@code ls-remote}, bounded by {@code caravan.tracking.probe-timeout})? When the remote
     * answers again after it was down, or an operator pushed to the admin branch, it fetches, and the route pushes what
     * waited ({@code back}) or requests a cycle that merges the edit ({@code moved}); else {@code ""}. Without this,
     * both waited for the fetch timer (a minute shipped) while cycles went on.
     */
    public String probeRemote() {
        try {
            boolean down = ctx.remoteDown != null;
            if (!lookAtRemote()) {
                return "";
            }
            return down && ctx.remoteDown == null ? "back" : "moved";
        } finally {
            probe.done();
        }
    }

    /**
     * At the start of a cycle (the cycle route): whether it catches up, because the look at the remote found it
     * answering again or an operator's push, or a merge waits for the commit of what is staged. Such a cycle commits
     * what waits first (a merge never goes over staged changes, so it would wait behind the commit written after the
     * cycle, and with cycles every 200 ms another cycle's changes were staged again by then), waits for the clone and
     * merges ({@link #beginCycle(Boolean)}), and commits and pushes its own work before it ends rather than behind it,
     * after the commit spacing: the first or second cycle after the fault ends has merged and pushed.
     */
    public boolean catchUpDue() {
        // not for a waiting merge while commits fail (a full disk): each cycle would fail its commit first
        boolean due = ctx.catchUp.getAndSet(false) | (ctx.mergeWanted && !ctx.commits.failing());
        return due;
    }

    /**
     * The cycle route's first step: the cycle's clock starts here, so the look at the remote while it is down and the
     * commit and push a cycle that catches up begins with are part of the cycle ("Cycle done in N ms").
     */
    public void cycleBegins() {
        cycleBegan = System.nanoTime();
    }

    /** When the running cycle began ({@link #cycleBegins}); 0 for a cycle begun without the route. */
    private volatile long cycleBegan;

    private boolean lookAtRemote() {
        boolean down = ctx.remoteDown != null;
        boolean moved;
        try {
            moved = ctx.git.adminMovedOnRemote(ctx.settings.cycleSources().probeTimeout());
        } catch (dev.caravan.tracking.RemoteUnreachableException e) {
            // as a failed fetch: the next cycle says so (once) and holds its push back
            ctx.remoteDown = e;
            LOG.debug("Remote probe: {}", e.getMessage());
            return false;
        }
        if (!down && !moved) {
            return false;
        }
        // a push before the fetch would leave the operator's edit without our last pushed commit (held back): none
        // until the fetch says whether the edit can be merged, and then none until a cycle has merged it
        ctx.pushHeld = moved;
        boolean changed = false;
        ctx.commits.hold();
        try {
            synchronized (ctx) {
                changed = fetchAdmin();
                if (changed || down && ctx.remoteDown == null) {
                    ctx.catchUp.set(true); // before the log lines: the next cycle to begin catches up
                }
                if (changed) {
                    LOG.info("{} moved on the remote: the next cycle merges it", ctx.settings.adminBranch());
                }
                if (down && ctx.remoteDown == null) {
                    ctx.pushNow = true; // what was committed meanwhile goes out with the next commit, whatever the interval
                    LOG.info("The remote answers again: the next cycle pushes and merges");
                }
            }
        } finally {
            try {
                ctx.pushHeld = false;
                ctx.pushHeld = changed && ctx.git.adminMergeable();
            } finally {
                ctx.commits.release();
            }
        }
        return changed || down && ctx.remoteDown == null;
    }

    // --- the cycle, step by step (routes/cycle.camel.yaml and git.camel.yaml) ---------------------

    public List<Notification> beginCycle() {
        return beginCycle(false);
    }

    /**
     * The cycle's start: a crash's leftovers, the admin-branch merge, another daemon's commits. {@code catchUp}
     * ({@link #catchUpDue}): it waits for the clone instead of leaving the merge to a later cycle when a commit is being
     * written.
     */
    public List<Notification> beginCycle(Boolean catchUp) {
        PhaseTimes.begin("cycle");
        PhaseTimes.begin("index-wait");
        ctx.awaitFirstRead(); // before the lock: the read's last step must not wait for it
        PhaseTimes.end("index-wait");
        // the clone's writer, before the engine's lock (the order commits take them in). The first cycle waits for it
        // (a fetch may hold it): it recovers what a crash left and reads what another daemon committed before it
        // releases anything. Later cycles do not wait for the commit written behind the last one, and merge later.
        boolean clone;
        if (repo.mustReadClone() || Boolean.TRUE.equals(catchUp)) {
            ctx.commits.hold();
            clone = true;
        } else {
            clone = ctx.commits.tryHold();
        }
        try {
            synchronized (ctx) {
                ctx.cycleStart = cycleBegan != 0 ? cycleBegan : System.nanoTime();
                cycleBegan = 0;
                ctx.cycleMoves = 0;
                ctx.blocked.clear();
                ctx.failedThisCycle.clear();
                List<Notification> out = new ArrayList<>(ctx.startProblems);
                ctx.startProblems.clear();
                out.addAll(repo.beginCycle(clone));
                return out;
            }
        } finally {
            if (clone) {
                ctx.commits.release();
            }
        }
    }

    public List<Notification> reconcile(String env) {
        synchronized (ctx) {
            return releases.reconcile(env);
        }
    }

    public List<Notification> poll(String env) {
        synchronized (ctx) {
            return runs.poll(env);
        }
    }

    public GateDecision gates(String env) {
        synchronized (ctx) {
            return releases.gates(env);
        }
    }

    /** The jobs for the free slots, as chains; the route hands each to {@link #submit} through the throttle. */
    public ReleasePlan planRelease(String env) {
        synchronized (ctx) {
            return releases.plan(env);
        }
    }

    /** Takes the lock itself, and not around the backend call, so submissions overlap. */
    public SubmitOutcome submit(String env, Release r) {
        return releases.submit(env, r);
    }

    /**
     * After the plan's submissions: the log line and the notifications of what they came to. The route hands over
     * every outcome its split collected; anything else in the list is ignored.
     */
    public List<Notification> releaseDone(ReleasePlan plan, List<?> outcomes) {
        List<SubmitOutcome> all = outcomes.stream().filter(SubmitOutcome.class::isInstance)
                .map(SubmitOutcome.class::cast).toList();
        synchronized (ctx) {
            return releases.done(plan, all);
        }
    }

    /**
     * {@link #planRelease}, {@link #submit} and {@link #releaseDone} in this thread, without the route's
     * throttle: for tools and benchmarks that drive the steps by hand.
     */
    public List<Notification> release(String env) {
        ReleasePlan plan = planRelease(env);
        List<SubmitOutcome> outcomes = new ArrayList<>();
        for (List<Release> chain : plan.chains()) {
            for (Release r : chain) {
                outcomes.add(submit(env, r));
            }
        }
        return releaseDone(plan, outcomes);
    }

    // --- the commit of a cycle: in the cycle (direct:cycle), or behind it (requested cycles) -----------

    /**
     * A requested cycle's commit is wanted: true when none waits yet, so the route starts one. The commit stages
     * whatever was touched by the time it begins, so one waiting commit serves every cycle that ends meanwhile.
     */
    public boolean commitRequested() {
        return ctx.commits.request();
    }

    /**
     * Before a commit and its push: waits for the clone's writer (the commit being written, a merge, a fetch) and
     * holds it until {@link #endCommit}, so nothing else writes the index, HEAD or the refs meanwhile. Returns the
     * commit's number, which the route hands to the steps after it.
     */
    public long beginCommit() {
        return beginCommit(false);
    }

    /**
     * {@link #beginCommit()}; when {@code later} (commit-later: a requested cycle's commit, written behind it), no
     * sooner than {@code caravan.tracking.commit-min-interval} after the last commit ended. Cycles go on meanwhile and
     * the commit takes in all they did, so a burst of run ends makes a commit at most that often and no job waits.
     */
    public long beginCommit(Boolean later) {
        PhaseTimes.end("cycle");
        PhaseTimes.begin("commit");
        return Boolean.TRUE.equals(later)
                ? ctx.commits.begin(ctx.settings.cycleSources().commitMinInterval())
                : ctx.commits.begin();
    }

    /**
     * camel-git's commit failed. When another process holds the index a moment (an operator's or a script's
     * {@code git status} refreshes it under {@code index.lock}; JGit does not wait for that lock, it fails), this waits
     * as staging does ({@link GitRepo#awaitIndex}: about a minute in all) and returns, and the route commits again.
     * Anything else, or a lock that stays, propagates.
     */
    public void commitBlocked(Integer tries, Exception e) throws Exception {
        int n = tries == null ? 0 : tries;
        if (n == 0 && GitRepo.isIndexLocked(e)) {
            LOG.info("The index of {} is locked by another process (index.lock): the commit waits for it",
                    ctx.tree.root());
        }
        GitRepo.awaitIndex(n, e);
    }

    /** The commit and its push went through: a commit failure standing since an earlier one is over. */
    public List<Notification> commitDone(long commit) {
        PhaseTimes.end("push");
        synchronized (ctx) {
            if (!ctx.commits.succeeded(commit)) {
                return List.of();
            }
            lastCycleProblem = null;
            return ctx.alerts.clear(CYCLE_ALERT, "cycles run again");
        }
    }

    /**
     * A commit written behind its cycle failed: what it staged stays staged, for the next commit. CRITICAL unless a
     * later commit has already gone through (this failure is then over); the alert stands until one does.
     */
    public List<Notification> commitFailed(long commit, Exception e) {
        synchronized (ctx) {
            if (!ctx.commits.failed(commit)) {
                LOG.warn("A commit failed and a later one went through: {}", e.toString());
                return List.of();
            }
            return cycleFailed(e);
        }
    }

    /**
     * After the commit, whatever came of it: the clone's writer is free again. An operator's push that a cycle could
     * not merge while the clone was held asks for a cycle now.
     */
    public void endCommit(long commit) {
        ctx.commits.end(commit);
        if (ctx.mergeWanted) {
            ctx.requester.request(List.of(), "admin branch pushed");
        }
    }

    /** Stages what the cycle touched; true when anything (the cycle's or an intake's) waits for a commit. */
    public boolean stageForCommit() {
        PhaseTimes.begin("stage");
        try {
            synchronized (ctx) {
                return repo.stageForCommit();
            }
        } finally {
            PhaseTimes.end("stage");
        }
    }

    /** The message of the commit of what is staged: an intake's own when only it staged, else the cycle's. */
    public String commitMessage() {
        synchronized (ctx) {
            return repo.commitMessage();
        }
    }

    /**
     * Around the commit route's commit, which runs outside the engine's lock: an intake staging meanwhile waits for it
     * instead of making it fail on the index lock. Never takes the engine's lock, so an intake holding that lock and
     * waiting for the index cannot deadlock with it.
     */
    public void holdIndexForCommit() {
        ctx.git.holdIndexForCommit();
        PhaseTimes.begin("git-commit");
    }

    public void releaseIndexAfterCommit() {
        PhaseTimes.end("git-commit");
        ctx.git.releaseIndexAfterCommit();
    }

    public void committed() {
        synchronized (ctx) {
            repo.committed();
        }
        PhaseTimes.end("commit");
        PhaseTimes.begin("push");
    }

    public boolean pushDue() {
        synchronized (ctx) {
            if (!repo.pushDue()) {
                return false;
            }
        }
        return !editWaitsForMerge();
    }

    /**
     * Before a push (the commit holds the clone's writer): has an operator pushed to the admin branch, on top of our last
     * push, since the last fetch? Then this push would leave that edit without our last pushed commit, and ICGC's rule
     * would hold it back until the operator merged again; with pushes every cycle an operator could wait for ever. So
     * the edit is fetched, the push waits, and the cycle it requests (endCommit) merges it first. One {@code ls-remote}
     * per push; a remote that does not answer is left to the push, which says so.
     */
    private boolean editWaitsForMerge() {
        if (!ctx.fetchOnTimer || !ctx.git.hasRemote()) {
            return false; // without a fetch timer every cycle fetches and merges before its push
        }
        try {
            if (!ctx.git.adminMovedOnRemote(ctx.settings.cycleSources().probeTimeout())) {
                return false;
            }
        } catch (dev.caravan.tracking.RemoteUnreachableException e) {
            return false;
        }
        synchronized (ctx) {
            if (fetchAdmin() && ctx.git.adminMergeable()) {
                ctx.pushHeld = true;
                LOG.info("{} moved: its edit is merged before the push", ctx.settings.adminBranch());
            }
            return ctx.pushHeld;
        }
    }

    /** False on a local-only tree: there is nowhere to push, but the push interval still brings a summary. */
    public boolean hasUnpushedCommits() {
        return ctx.git.hasRemote() && ctx.git.hasUnpushedCommits();
    }

    /** A push failed because the remote did not answer; the commits wait in the clone for the next push. */
    public List<Notification> pushFailed(Exception e) {
        synchronized (ctx) {
            return repo.remoteUnreachable(ctx.git.unreachable(e));
        }
    }

    public List<Notification> catchUpRemote() {
        synchronized (ctx) {
            return repo.catchUpRemote();
        }
    }

    public List<Notification> pushed() {
        synchronized (ctx) {
            return repo.pushed();
        }
    }

    /** The cycle went through: the standing problems of the cycle and of environments that ran clear (once). */
    public List<Notification> cycleSucceeded() {
        synchronized (ctx) {
            lastCycleEnd = ctx.now();
            ctx.figures.cycle(System.nanoTime() - ctx.cycleStart);
            LOG.info("Cycle done in {} ms: {} jobs moved, {} indexed", (System.nanoTime() - ctx.cycleStart) / 1_000_000,
                    ctx.cycleMoves, ctx.tree.index().size());
            List<Notification> out = new ArrayList<>();
            if (!ctx.commits.failing()) {
                lastCycleProblem = null;
                out.addAll(ctx.alerts.clear(CYCLE_ALERT, "cycles run again"));
            }
            ctx.envProblems.keySet().removeIf(env -> !ctx.failedThisCycle.contains(env));
            out.addAll(ctx.alerts.clearAllBut(ENV_ALERT, ctx.failedThisCycle.stream().map(e -> ENV_ALERT + e)
                    .collect(java.util.stream.Collectors.toSet()),
                    k -> "the cycle of environment " + k.substring(ENV_ALERT.length()) + " runs again"));
            return out;
        }
    }

    /**
     * The cycle stopped (merge conflict, push refused twice, Git or disk trouble): CRITICAL when it starts and at the
     * reminder interval, nothing lost.
     */
    public List<Notification> cycleFailed(Exception e) {
        lastCycleEnd = ctx.now();
        lastCycleProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.error("Cycle stopped", e);
        return ctx.alerts.raise(CYCLE_ALERT, Notification.critical("cycle stopped: " + lastCycleProblem), ctx.now());
    }

    /**
     * {@link #cycleFailed(Exception)}, or {@link #commitFailed} when the cycle's commit had begun ({@code commit}, its
     * number; null before): the routes' catch, whatever failed.
     */
    public List<Notification> cycleFailed(Exception e, Long commit) {
        return commit == null ? cycleFailed(e) : commitFailed(commit, e);
    }

    /** One environment's step failed; the others go on. */
    public List<Notification> environmentFailed(String env, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ctx.envProblems.put(env, why);
        ctx.failedThisCycle.add(env);
        LOG.error("Cycle of environment {} stopped", env, e);
        return ctx.alerts.raise(ENV_ALERT + env,
                Notification.critical("cycle of environment " + env + " stopped: " + why), ctx.now());
    }

    /**
     * On a daemon that does not hold the cycle lock (a standby): re-reads the tree when the leader has committed in
     * the clone since, so its report and API answer as the leader's would. Nothing is written; the leader's own view
     * is kept by its cycles.
     */
    public void refreshView() {
        ctx.awaitFirstRead();
        synchronized (ctx) {
            if (ctx.holdsCycleLock()) {
                standbySince = null;
                return;
            }
            if (standbySince == null) {
                standbySince = ctx.now();
                LOG.info("Standby since {}: another process holds the cycle lock of {}; this one follows its commits",
                        standbySince, ctx.tree.root());
            }
            if (!java.util.Objects.equals(ctx.git.head().orElse(null), ctx.indexedHead)) {
                ctx.reload(); // its warnings are logged; the leader sends them
            }
        }
    }

    /** Since when this daemon has been a standby (another process leads), as the last refresh found. */
    public Optional<Instant> standbySince() {
        return Optional.ofNullable(standbySince);
    }

    public String report() {
        synchronized (ctx) {
            return StateReport.render(ctx.tree.index().counts());
        }
    }

    /** Reads the tree under the engine's lock: cycles change the index as they go. */
    public <T> T inspect(Function<TreeView, T> reader) {
        return intake.read(reader);
    }

    // --- health ----------------------------------------------------------------------------------

    public Optional<String> trackingProblem() {
        if (!Files.isDirectory(ctx.tree.root().resolve(".git"))) {
            return Optional.of("tracking repo " + ctx.tree.root() + " is missing");
        }
        return Optional.ofNullable(lastCycleProblem);
    }

    public Optional<String> environmentProblem(String env) {
        String p = ctx.envProblems.get(env);
        return p != null ? Optional.of(p) : ctx.backend(env).healthProblem();
    }

    public Optional<Instant> lastCycleEnd() {
        return Optional.ofNullable(lastCycleEnd);
    }

    /** Running totals since start, for metrics. */
    public Figures figures() {
        return ctx.figures;
    }

    /** What may stop releases on {@code env} now, for health: the operator's pause, the flag, the batch barrier. */
    public EnvironmentGates gatesOf(String env) {
        synchronized (ctx) {
            return releases.gatesOf(env);
        }
    }

    @Override
    public void close() {
        ctx.backends.values().forEach(Backend::close);
        ctx.git.close();
    }
}
