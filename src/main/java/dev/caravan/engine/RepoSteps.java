package dev.caravan.engine;

import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.report.PushSummary;
import dev.caravan.scheduling.PushPolicy;
import dev.caravan.tracking.GitConflictException;
import dev.caravan.tracking.GitLocks;
import dev.caravan.tracking.Journal;
import dev.caravan.tracking.MergeOutcome;
import dev.caravan.tracking.RemoteUnreachableException;
import dev.caravan.tracking.TrackingTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The tracking repo's side of a cycle: recovery and the admin-branch merge before it, staging and the
 * push decision after it. Called under the context's lock.
 */
final class RepoSteps {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private static final String REMOTE_ALERT = "remote";
    private static final String CONFLICT_ALERT = "conflict";
    private static final String HELD_BACK_ALERT = "held-back";

    private final CycleContext ctx;
    private final RunFollowing runs;
    private final PushPolicy pushPolicy;
    private volatile boolean firstCycle = true;
    /** Since when the admin branch has been held back (ICGC's rule), or null. */
    private Instant waitingSince;

    RepoSteps(CycleContext ctx, RunFollowing runs) {
        this.ctx = ctx;
        this.runs = runs;
        this.pushPolicy = new PushPolicy(ctx.settings.pushInterval());
    }

    /**
     * Before any environment: finish what a crash left unstaged, bring in the admin branch (ICGC's rule),
     * and re-read the tree when someone else changed it. A merge conflict propagates and stops the cycle. Only with
     * the clone's writer held ({@code clone}); without it, nothing.
     */
    List<Notification> beginCycle(boolean clone) {
        if (!clone) {
            // the previous cycle's commit is being written: this cycle polls and releases without waiting for it,
            // and the merge waits for a cycle that finds the clone free (the commit asks for one when it is due)
            LOG.debug("Cycle begins while a commit is written: no merge in this cycle");
            // a look at the remote may have found it answering again: say so now, the push follows the commit
            return ctx.remoteDown == null ? remoteBack() : List.of();
        }
        return beginCycleLocked();
    }

    /** The first cycle must have the clone: it recovers a crash's leftovers and reads another daemon's commits. */
    boolean mustReadClone() {
        return firstCycle;
    }

    private List<Notification> beginCycleLocked() {
        List<Notification> out = new ArrayList<>(removeStaleGitLocks());
        ctx.mergeWanted = false;
        boolean reread = false;
        if (firstCycle && Files.exists(ctx.journal.dirtyMarker())) {
            // the last process changed the tree and did not get to commit: stage what it left unstaged
            // (a scan of jobs/, only after such a crash) and commit whatever the index holds
            Set<String> staged = ctx.git.stageUncommitted(TrackingTree.JOBS);
            LOG.warn("Recovered {} unstaged paths left by an interrupted cycle", staged.size());
            if (!staged.isEmpty() || ctx.git.indexDiffersFromHead()) {
                ctx.pendingMessages.add(CycleContext.CYCLE_COMMIT);
            }
            reread = true;
        }
        // with a fetch timer, a cycle merges what its last fetch brought; the first one after start fetches itself
        boolean fetch = firstCycle || !ctx.fetchOnTimer;
        firstCycle = false;
        if (!reread && !Objects.equals(ctx.git.head().orElse(null), ctx.indexedHead)) {
            // another daemon committed in this clone (the leader this one takes over from): its moves are the
            // scheduler's own, so read them before noting what is in flight, or they would look like an operator's
            out.addAll(ctx.reload());
        }
        Map<JobRef, Journal.Watch> flying = runs.inFlightEverywhere();
        MergeOutcome m;
        // a merge writes the index from the commits it joins: what is staged and not committed yet (what a crash left,
        // recovered above; an intake's) would lose its deletions, and a moved job would stay in its old state folder
        // as well. So the merge waits for the commit; the next cycle (endCommit requests one) merges.
        boolean deferred = !ctx.pendingMessages.isEmpty() && ctx.git.hasRemote();
        try {
            if (deferred) {
                if (fetch) {
                    ctx.git.fetchAdminChanged();
                }
                ctx.mergeWanted = true;
                // and the push waits for the merge: pushed first, our commit would be one the edit lacks (ICGC's rule)
                ctx.pushHeld |= ctx.git.adminMergeable();
                m = MergeOutcome.of(MergeOutcome.Kind.UP_TO_DATE, "the merge waits for the commit of what is staged");
            } else {
                m = ctx.git.mergeAdmin(fetch);
            }
            if (fetch) {
                ctx.remoteDown = null; // it answered; without a fetch here, the fetch timer says (adminChanged)
            }
            out.addAll(ctx.remoteDown == null ? remoteBack() : remoteUnreachable(ctx.remoteDown));
        } catch (RemoteUnreachableException e) {
            out.addAll(remoteUnreachable(e));
            m = MergeOutcome.of(MergeOutcome.Kind.UP_TO_DATE, "remote unreachable");
        } catch (GitConflictException e) {
            out.addAll(conflict(e));
            m = MergeOutcome.of(MergeOutcome.Kind.CONFLICT, e.getMessage());
        }
        switch (m.kind()) {
            case MERGED -> LOG.info("Merged {} into {}: {}", ctx.settings.adminBranch(), ctx.settings.trackingBranch(), m.detail());
            case WAITING -> LOG.info("Not merging yet: {}", m.detail());
            default -> LOG.debug("Admin branch: {}", m.detail());
        }
        if (!deferred) {
            ctx.pushHeld = false; // the merge was tried: pushes go on, whatever came of it
            out.addAll(heldBack(m));
        }
        if (reread || m.changedTree() || !Objects.equals(ctx.git.head().orElse(null), ctx.indexedHead)) {
            out.addAll(ctx.reload());
            out.addAll(runs.followMovedRuns(flying));
        }
        return out;
    }

    private List<Notification> remoteBack() {
        return ctx.alerts.clear(REMOTE_ALERT, "the remote is reachable again: merges and pushes resume");
    }

    /**
     * A SIGKILL in the middle of a Git write leaves its lock file, and Git waits for it forever. The cycle lock is
     * exclusive: holding it, this process is the only writer of ours, and a lock file older than the moment it took
     * the cycle lock was made by an earlier holder, which is gone (a killed leader, when this process was its standby;
     * the last process, after a restart). Not its own start: a standby started before the leader was killed could not
     * remove that leader's locks, and its commits waited on them until the next restart.
     */
    private List<Notification> removeStaleGitLocks() {
        Optional<Instant> since = ctx.cycleLockSince.get();
        if (since.isEmpty()) {
            return List.of();
        }
        // the later of that and this process's opening of the clone: a one-shot takes the lock before it opens the
        // clone, and no writer of ours ran before that opening either
        Instant before = since.get().isAfter(ctx.opened) ? since.get() : ctx.opened;
        List<Path> removed = new ArrayList<>(GitLocks.removeStale(ctx.git.gitDir(), before));
        // a remote on this disk: a kill mid-push leaves the scheduler branch's lock there (never an operator's)
        ctx.git.localRemoteBranchLock().filter(lock -> GitLocks.removeIfStale(lock, before)).ifPresent(removed::add);
        if (removed.isEmpty()) {
            return List.of();
        }
        return List.of(Notification.warning(CycleContext.listing("removed the stale Git lock" + (removed.size() > 1 ? "s" : "")
                + " left by a process that ended before this one took the cycle lock ("
                + before.truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + "; holding it, this process is the only"
                + " writer of ours)", removed.stream().map(Path::toString).toList())));
    }

    private java.util.Set<String> committing = java.util.Set.of();
    private java.util.Set<String> committingPaths = java.util.Set.of();

    /** Stages exactly what this cycle touched; true when there is something to commit. */
    boolean stageForCommit() {
        ctx.stageTouched(Optional.empty());
        committing = new java.util.LinkedHashSet<>(ctx.pendingMessages);
        committingPaths = new java.util.TreeSet<>(ctx.stagedSinceCommit);
        return !ctx.pendingMessages.isEmpty();
    }

    /**
     * An intake's own message when only it staged something; the cycle's otherwise, with the intakes' messages in
     * its body, so that history still says who added what when a cycle's commit took several intakes in.
     */
    String commitMessage() {
        return CommitMessages.combine(committing.isEmpty() ? ctx.pendingMessages : committing);
    }

    void committed() {
        // an intake that staged while the commit ran (outside the lock) keeps its message for the next commit
        ctx.pendingMessages.removeAll(committing);
        ctx.stagedSinceCommit.removeAll(committingPaths);
        Set<String> paths = java.util.Collections.unmodifiableSet(committingPaths);
        for (java.util.function.Consumer<Set<String>> l : ctx.commitListeners) {
            try {
                l.accept(paths);
            } catch (RuntimeException e) {
                LOG.warn("A follower of commits failed: {}", e.toString());
            }
        }
        ctx.indexedHead = ctx.git.head().orElse(null);
        if (!ctx.tree.hasTouched()) {
            // changes made while the commit was written (a cycle or an intake goes on meanwhile) keep the marker
            ctx.clearDirty();
        }
    }

    /**
     * An operator's edit on the admin branch conflicts with scheduler commits: the merge waits, cycles go on without
     * it, and the scheduler pushes its side at once so the operator can merge it (the report says how, or which
     * commit to revert). Said once (and at the reminder interval) until a merge goes through.
     */
    private List<Notification> conflict(GitConflictException e) {
        ctx.pushNow = true;
        String admin = ctx.settings.adminBranch();
        String branch = ctx.settings.trackingBranch();
        List<String> revert = ctx.git.adminCommitsTouching(e.paths());
        LOG.warn("{}", e.getMessage());
        String text = e.getMessage() + ". Cycles go on without " + admin + "'s changes meanwhile; " + branch
                + " is pushed now (" + ctx.git.headShort() + ") so that it can be merged. To resolve, in a clone of "
                + admin + ": git fetch origin && git merge origin/" + branch + ", resolve those paths"
                + (revert.isEmpty() ? "" : " (or drop the edit first: git revert " + String.join(", ", revert) + ")")
                + ", then git push origin " + admin;
        return ctx.alerts.raise(CONFLICT_ALERT, Notification.critical(text), ctx.now());
    }

    /**
     * ICGC's rule holds operators' edits back until the admin branch has taken in the scheduler's last push. When that
     * lasts longer than a push interval, a WARNING (once) says what to do; the merge itself clears it.
     */
    private List<Notification> heldBack(MergeOutcome m) {
        if (m.kind() == MergeOutcome.Kind.MERGED || m.kind() == MergeOutcome.Kind.UP_TO_DATE
                || m.kind() == MergeOutcome.Kind.LOCAL_ONLY) {
            waitingSince = null;
            List<Notification> out = new ArrayList<>(ctx.alerts.clear(CONFLICT_ALERT, ctx.settings.adminBranch()
                    + " and " + ctx.settings.trackingBranch() + " merge again: the conflict is resolved"));
            out.addAll(ctx.alerts.clear(HELD_BACK_ALERT, ctx.settings.adminBranch() + " has taken in "
                    + ctx.settings.trackingBranch() + ": operators' edits are merged again"));
            return out;
        }
        if (m.kind() != MergeOutcome.Kind.WAITING) {
            return List.of();
        }
        Instant now = ctx.now();
        if (waitingSince == null) {
            waitingSince = now;
        }
        if (ctx.alerts.holds(CONFLICT_ALERT) || !now.isAfter(waitingSince.plus(ctx.settings.pushInterval()))) {
            return List.of();
        }
        String admin = ctx.settings.adminBranch();
        String branch = ctx.settings.trackingBranch();
        return ctx.alerts.raiseOnce(HELD_BACK_ALERT, Notification.warning("edits on " + admin
                + " are held back since " + waitingSince.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ": " + m.detail() + ". Operators: in a clone of " + admin + ", git fetch origin && git merge origin/"
                + branch + " && git push origin " + admin + "; the next cycle then merges " + admin), now);
    }

    /**
     * The remote did not answer (its fetch or a push): one CRITICAL when that starts (then at the reminder interval);
     * cycles go on locally and commit, and the merge and the push wait for it.
     */
    List<Notification> remoteUnreachable(Exception e) {
        ctx.remoteDown = e instanceof RemoteUnreachableException r ? r : new RemoteUnreachableException(e.getMessage(), e);
        LOG.warn("Remote unreachable: {}", e.getMessage());
        return ctx.alerts.raise(REMOTE_ALERT, Notification.critical(e.getMessage()
                + ". Cycles go on locally (poll, move, release, commit); the merge of " + ctx.settings.adminBranch()
                + " and the push wait until it answers"), ctx.now());
    }

    boolean pushDue() {
        if (ctx.remoteDown != null && ctx.git.hasRemote() || ctx.pushHeld) {
            return false;
        }
        return pushPolicy.isDue(ctx.journal.lastPush().map(Instant::ofEpochMilli), ctx.now(), ctx.pushNow);
    }

    /** After a rejected push: merge what others pushed to the scheduler branch, then the route retries. */
    List<Notification> catchUpRemote() {
        MergeOutcome m = ctx.git.catchUpRemoteBranch();
        LOG.warn("Push was rejected; merged the remote scheduler branch: {}", m.detail());
        return m.changedTree() ? ctx.reload() : List.of();
    }

    /** After a push (or the push interval on a local-only tree): the Slack summary, and a fresh count. */
    List<Notification> pushed() {
        if (ctx.git.hasRemote()) {
            LOG.info("Push done: {} at {}", ctx.settings.trackingBranch(), ctx.git.headShort());
        }
        String text = PushSummary.render(ctx.journal.transitionsSincePush(), ctx.tree.index().counts());
        ctx.journal.pushed(ctx.now().toEpochMilli());
        ctx.pushNow = false;
        return List.of(Notification.info(text));
    }
}
