package dev.caravan.engine;

import dev.caravan.model.BadInputException;
import dev.caravan.model.JobRef;
import dev.caravan.tracking.CycleLock;
import dev.caravan.tracking.GitRepo;
import dev.caravan.tracking.TrackingTree;
import dev.caravan.tracking.TreeView;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Adding jobs to an operator's own folder rather than the daemon's clone: a clone of the admin branch (taken under
 * the same cycle lock a daemon holds, and committed on its current branch, which the operator then pushes) or a plain
 * folder (written only). No daemon runs there, so there is no commit route: this is the one commit made outside it.
 */
public final class FolderIntake implements JobSink, AutoCloseable {

    private final TrackingTree tree;
    private final Optional<CycleLock> lock;
    private final boolean clone;

    private FolderIntake(TrackingTree tree, Optional<CycleLock> lock, boolean clone) {
        this.tree = tree;
        this.lock = lock;
        this.clone = clone;
    }

    /** Opens an operator's folder and reads its tree; empty while a daemon holds the folder's cycle lock. */
    public static Optional<FolderIntake> open(Path dir) {
        // a folder made here would be a half-made tree: no Git, and in the daemon's way when it clones there
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--tracking " + dir + ": no such folder (without --tracking the jobs go to"
                    + " caravan.tracking.dir, cloned first as the daemon clones it)");
        }
        if (!Files.isDirectory(dir.resolve(".git")) && !Files.isDirectory(dir.resolve("jobs"))) {
            throw new BadInputException("--tracking " + dir + ": neither a clone of the tracking repo (.git) nor a"
                    + " tracking tree (jobs/)");
        }
        boolean clone = Files.isDirectory(dir.resolve(".git"));
        Optional<CycleLock> lock = clone ? CycleLock.tryAcquire(dir) : Optional.empty();
        if (clone && lock.isEmpty()) {
            return Optional.empty();
        }
        TrackingTree tree = new TrackingTree(dir, Optional.empty());
        tree.load();
        return Optional.of(new FolderIntake(tree, lock, clone));
    }

    /** Over a tree already read, writing files only (no Git, no lock). */
    public static FolderIntake over(TrackingTree tree) {
        return new FolderIntake(tree, Optional.empty(), false);
    }

    @Override
    public synchronized IntakeOutcome add(Function<TreeView, Addition> plan) {
        Addition a = plan.apply(tree);
        List<IntakeOutcome.Refusal> refused = TreeAdditions.check(tree, a);
        if (!refused.isEmpty()) {
            return IntakeOutcome.refusedAll(refused);
        }
        List<JobRef> added = TreeAdditions.write(tree, a);
        Set<String> touched = tree.takeTouched();
        if (clone) {
            try (GitRepo git = GitRepo.openAsIs(tree.root())) {
                git.stage(touched);
                git.commit(a.commitMessage().orElse("[caravan] " + added.size() + " jobs added"));
            }
        }
        return new IntakeOutcome(added, List.of(), touched);
    }

    @Override
    public void close() {
        lock.ifPresent(CycleLock::close);
    }
}
