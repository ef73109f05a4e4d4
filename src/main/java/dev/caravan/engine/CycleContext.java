package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendException;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.model.Notification;
import dev.caravan.model.Transition;
import dev.caravan.report.PhaseTimes;
import dev.caravan.tracking.GitRepo;
import dev.caravan.tracking.Journal;
import dev.caravan.tracking.ScanResult;
import dev.caravan.tracking.TrackingTree;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the steps of a cycle share: the parts (settings, tree, Git, journal, backends, clock) and the
 * little state a cycle carries from step to step. It is also the lock: steps that read or change the
 * tree synchronise on it, so a report or a planner never sees a half-moved job.
 */
final class CycleContext {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int MAX_LISTED = 30;
    static final String CYCLE_COMMIT = "[scheduler] update job status";

    final CaravanSettings settings;
    final GitRepo git;
    final TrackingTree tree;
    final Journal journal;
    final Map<String, Backend> backends;
    final Clock clock;
    /** Running totals for metrics; every backend call goes through {@link TimedBackend} into it. */
    final Figures figures = new Figures();

    /** Environments whose backend failed critically in this cycle: they release nothing more. */
    final Set<String> blocked = ConcurrentHashMap.newKeySet();
    final Map<String, String> envProblems = new ConcurrentHashMap<>();
    /** Environments whose cycle stopped in this cycle; the others' standing problems clear when it ends. */
    final Set<String> failedThisCycle = ConcurrentHashMap.newKeySet();
    final StandingAlerts alerts;
    /** What reading the tree at start found, for the first cycle to send. */
    final List<Notification> startProblems = new java.util.ArrayList<>();
    /** When this process opened the clone: a Git lock file older than this is not one of ours. */
    final Instant opened = Instant.now();
    /**
     * Since when this process holds the clone's cycle lock (leadership, or a one-shot's lock), empty while it does not:
     * set by who knows. A Git lock file older than that was made by an earlier holder, which is gone.
     */
    volatile java.util.function.Supplier<java.util.Optional<Instant>> cycleLockSince;
    volatile ObjectId indexedHead;
    /** Messages of what is staged and not committed yet: the commit says the intake's own, or the cycle's. */
    final Set<String> pendingMessages = new LinkedHashSet<>();
    /** Paths staged since the last commit, for those who follow commits ({@link Engine#onCommit}). */
    final Set<String> stagedSinceCommit = new java.util.TreeSet<>();
    final java.util.List<java.util.function.Consumer<Set<String>>> commitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    boolean pushNow;
    /**
     * The clone's one writer (a commit and its push, a merge, a fetch) and the commits' outcome: a cycle that starts
     * while the previous cycle's commit is written releases without waiting for it, and leaves the merge to a later
     * cycle. Not the context's monitor: a commit is written outside it, so cycles and intakes go on meanwhile. Taken
     * before the context's monitor, never while holding it (except by a try that does not wait).
     */
    final CommitTurns commits = new CommitTurns();
    /** The fetch timer brought an operator's push that no cycle has merged yet. */
    volatile boolean mergeWanted;
    /**
     * The look at the remote found it answering again, or an operator's push: the next cycle catches up (commits what
     * waits, merges, and commits and pushes before it ends).
     */
    final java.util.concurrent.atomic.AtomicBoolean catchUp = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * Why the remote did not answer at the last fetch or push, or null while it answers: merge and push wait, the rest
     * goes on in the clone. Set by cycles and by the fetch timer, cleared by whichever reaches it next.
     */
    volatile dev.caravan.tracking.RemoteUnreachableException remoteDown;
    /**
     * An operator's push that the next merge takes in (ICGC's rule holds) was seen: no push until a cycle has tried that
     * merge, or the push would make the admin branch lack the last pushed scheduler commit and hold the edit back.
     */
    volatile boolean pushHeld;
    long cycleStart;
    int cycleMoves;

    /** Where requests for cycles go; set by the daemon once its routes run. */
    volatile CycleRequester requester = CycleRequester.NONE;
    /** Whether intakes request cycles ({@code caravan.cycle.on-intake}). */
    volatile boolean requestOnIntake;
    /**
     * Environments whose backend is asked about runs only when a timer said a poll round is due (their
     * {@code poll-interval}); every other environment is polled in every cycle.
     */
    final Set<String> pollOnTimer = ConcurrentHashMap.newKeySet();
    final Set<String> pollDue = ConcurrentHashMap.newKeySet();
    /** Whether a timer fetches the remote between cycles, so a cycle merges what it brought without fetching. */
    volatile boolean fetchOnTimer;

    CycleContext(CaravanSettings settings, GitRepo git, TrackingTree tree, Journal journal,
                 Map<String, Backend> backends, Clock clock) {
        this.settings = settings;
        this.git = git;
        this.tree = tree;
        this.journal = journal;
        Map<String, Backend> timed = new java.util.LinkedHashMap<>();
        backends.forEach((env, b) -> timed.put(env, new TimedBackend(env, b, figures)));
        this.backends = java.util.Collections.unmodifiableMap(timed);
        this.clock = clock;
        this.alerts = new StandingAlerts(settings.alertReminderInterval());
        this.cycleLockSince = () -> dev.caravan.tracking.CycleLock.heldSince(tree.root());
    }

    /** Whether this process holds the clone's cycle lock: then it is the only writer of ours. */
    boolean holdsCycleLock() {
        return cycleLockSince.get().isPresent();
    }

    Backend backend(String env) {
        Backend b = backends.get(env);
        if (b == null) {
            throw new IllegalArgumentException("no environment named '" + env + "'");
        }
        return b;
    }

    /** Whether this cycle asks {@code env}'s backend about its runs: always, or once per poll interval. */
    boolean pollNow(String env) {
        return !pollOnTimer.contains(env) || pollDue.remove(env);
    }

    /** An intake changed what {@code envs} may release: ask for a cycle of them (outside the lock: it never blocks). */
    void intakeChanged(java.util.Collection<String> envs) {
        if (requestOnIntake) {
            requester.request(envs, "intake");
        }
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * The first read of the tree, started by {@link #readInBackground}: a cycle waits for it before it compares heads
     * or sends what the read found.
     */
    private volatile java.util.concurrent.CompletableFuture<Void> firstRead =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    /** Reads the tree while the process goes on starting; what it finds goes out with the first cycle. */
    void readInBackground() {
        // no lock here: a cycle holding the engine's lock must never wait for this; it waits before taking the lock
        PhaseTimes.begin("index");
        firstRead = tree.loadInBackground().thenAccept(r -> {
            PhaseTimes.end("index");
            startProblems.addAll(afterRead(r));
        });
    }

    void awaitFirstRead() {
        try {
            firstRead.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    /** Reads the whole tree again: at start, and when someone else changed it. */
    List<Notification> reload() {
        return afterRead(tree.load());
    }

    private List<Notification> afterRead(ScanResult r) {
        indexedHead = git.head().orElse(null);
        r.warnings().forEach(w -> LOG.warn("{}", w));
        LOG.info("Tracking tree {}: {} jobs indexed, {} held back", tree.root(), r.index().size(), r.index().held().size());
        if (r.warnings().isEmpty()) {
            return List.of();
        }
        return List.of(Notification.warning(listing(r.warnings().size()
                + " problems in the tracking tree (jobs left where they are)", r.warnings())));
    }

    void recordMoves(List<Transition> moved) {
        journal.recordTransitions(moved, now().getEpochSecond());
        cycleMoves += moved.size();
        figures.moved(moved);
    }

    /**
     * Stages what was touched since the last time; the next commit takes it, with {@code message} when it is the
     * only thing staged (else the cycle's). The dirty marker stays until that commit, so a crash in between is
     * noticed on the next start.
     */
    Set<String> stageTouched(Optional<String> message) {
        Set<String> touched = tree.takeTouched();
        try {
            git.stage(touched);
            stagedSinceCommit.addAll(touched);
        } catch (RuntimeException e) {
            // nothing of it reached the index: keep it for the next commit, or those moves would never be committed
            tree.touchAgain(touched);
            if (isDiskFull(e)) {
                throw new IllegalStateException("the tracking clone's disk is full (ENOSPC) in " + tree.root()
                        + ": nothing was committed; the cycle's changes wait in the clone and are committed once there"
                        + " is room", e);
            }
            throw e;
        }
        if (!touched.isEmpty()) {
            pendingMessages.add(message.orElse(CYCLE_COMMIT));
        }
        return touched;
    }

    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t instanceof java.nio.file.FileSystemException fs ? fs.getReason() : t.getMessage();
            if (m != null && m.contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    void clearDirty() {
        try {
            Files.deleteIfExists(journal.dirtyMarker());
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + journal.dirtyMarker(), e);
        }
    }

    /** A backend failure as a notification: CRITICAL (and no releases this cycle) when the backend says so. */
    Notification trouble(String env, BackendException e, String what) {
        if (e.isCritical()) {
            blocked.add(env);
            return Notification.critical(what + "; " + env + " releases nothing this cycle: " + e.getMessage());
        }
        return Notification.warning(what + ": " + e.getMessage());
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').strip();
    }

    static String listing(String title, List<String> items) {
        StringBuilder sb = new StringBuilder(title).append(':');
        items.stream().limit(MAX_LISTED).forEach(i -> sb.append("\n• ").append(i));
        if (items.size() > MAX_LISTED) {
            sb.append("\n… and ").append(items.size() - MAX_LISTED).append(" more");
        }
        return sb.toString();
    }
}
