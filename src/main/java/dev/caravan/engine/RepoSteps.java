package dev.caravan.engine;

import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.report.PushSummary;
import dev.caravan.scheduling.PushPolicy;
import dev.caravan.tracking.Journal;
import dev.caravan.tracking.MergeOutcome;
import dev.caravan.tracking.TrackingTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
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

    private final CycleContext ctx;
    private final RunFollowing runs;
    private final PushPolicy pushPolicy;
    private boolean firstCycle = true;

    RepoSteps(CycleContext ctx, RunFollowing runs) {
        this.ctx = ctx;
        this.runs = runs;
        this.pushPolicy = new PushPolicy(ctx.settings.pushInterval());
    }

    /**
     * Before any environment: finish what a crash left unstaged, bring in the admin branch (ICGC's rule),
     * and re-read the tree when someone else changed it. A merge conflict propagates and stops the cycle.
     */
    List<Notification> beginCycle() {
        List<Notification> out = new ArrayList<>();
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
        firstCycle = false;
        Map<JobRef, Journal.Watch> flying = runs.inFlightEverywhere();
        MergeOutcome m = ctx.git.mergeAdmin();
        switch (m.kind()) {
            case MERGED -> LOG.info("Merged {} into {}: {}", ctx.settings.adminBranch(), ctx.settings.trackingBranch(), m.detail());
            case WAITING -> LOG.info("Not merging yet: {}", m.detail());
            default -> LOG.debug("Admin branch: {}", m.detail());
        }
        if (reread || m.changedTree() || !Objects.equals(ctx.git.head().orElse(null), ctx.indexedHead)) {
            out.addAll(ctx.reload());
            out.addAll(runs.followMovedRuns(flying));
        }
        return out;
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

    /** An intake's own message when only it staged something; the cycle's otherwise. */
    String commitMessage() {
        return ctx.pendingMessages.size() == 1 ? ctx.pendingMessages.iterator().next() : CycleContext.CYCLE_COMMIT;
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
        ctx.clearDirty();
    }

    boolean pushDue() {
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
        String text = PushSummary.render(ctx.journal.transitionsSincePush(), ctx.tree.index().counts());
        ctx.journal.pushed(ctx.now().toEpochMilli());
        ctx.pushNow = false;
        return List.of(Notification.info(text));
    }
}
