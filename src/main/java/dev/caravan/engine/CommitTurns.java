package dev.caravan.engine;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Whose turn it is to write the tracking clone's index, HEAD and refs, and what became of the commits: one writer at
 * a time (a commit with its push, a cycle's merge, the fetch timer's fetch), requested commits coalesced (one waits at
 * most and serves every cycle that ends meanwhile) and kept a minimum interval apart, and a failed commit standing
 * until a later one goes through.
 *
 * <p>Commits are numbered in the order they take the writer, so a failure is known to stand or not: once a later
 * commit went through, an earlier failure reported late is over already and raises nothing. The writer is a
 * semaphore, not a lock: the route that takes it may give it back on another thread. Pure bookkeeping: the engine
 * raises and clears the alerts it decides.
 */
final class CommitTurns {

    private final Semaphore writer = new Semaphore(1);
    private boolean waiting;
    private long begun;
    /** The commit holding the writer, 0 when none does (a merge or a fetch may). */
    private long holder;
    private long lastOk;
    private long lastFailed;
    /** When the last commit ended ({@link System#nanoTime}), if one has: the next requested commit keeps its distance. */
    private long lastEnd;
    private boolean ended;

    /**
     * A requested cycle's commit is wanted: true when none waits yet, so the caller starts one; false when one waits,
     * which will take this cycle's changes in (it stages whatever was touched by the time it begins).
     */
    synchronized boolean request() {
        if (waiting) {
            return false;
        }
        waiting = true;
        return true;
    }

    /** Waits for the writer and takes it for a commit: its number. The waiting request, if any, is served by it. */
    long begin() {
        return begin(Duration.ZERO);
    }

    /**
     * {@link #begin()}, no sooner than {@code spacing} after the last commit ended: a requested cycle's commit. The
     * request stays waiting meanwhile, so the cycles that end in that time are served by this commit too; the writer is
     * not held while it waits (a merge or a fetch may take it), and is taken again should a commit end meanwhile.
     */
    long begin(Duration spacing) {
        long gap = spacing.toNanos();
        while (true) {
            long wait = untilSpaced(gap);
            if (wait > 0) {
                if (!sleep(wait)) {
                    gap = 0; // shutting down: commit now rather than leave the changes behind
                }
                continue;
            }
            writer.acquireUninterruptibly();
            synchronized (this) {
                if (untilSpaced(gap) > 0) {
                    writer.release(); // a commit ended while this one waited for the writer: keep the distance
                    continue;
                }
                waiting = false;
                holder = ++begun;
                return holder;
            }
        }
    }

    /** Nanoseconds until a commit {@code gap} after the last one may begin; 0 when it may now. */
    private synchronized long untilSpaced(long gap) {
        return ended ? Math.max(0, gap - (System.nanoTime() - lastEnd)) : 0;
    }

    /** False when interrupted (the flag is kept). */
    private static boolean sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * After the commit (and its push), whatever came of it: the writer is free again. A commit that did not go through
     * ({@link #succeeded} was not called) has failed. A second call, or a number that does not hold the writer, does
     * nothing.
     */
    void end(long commit) {
        synchronized (this) {
            if (commit == 0 || holder != commit) {
                return;
            }
            holder = 0;
            lastEnd = System.nanoTime();
            ended = true;
            if (lastOk < commit) {
                lastFailed = Math.max(lastFailed, commit);
            }
        }
        writer.release();
    }

    /** The commit and its push went through: true when a failure stood until now, so its alert clears. */
    synchronized boolean succeeded(long commit) {
        boolean stood = failing();
        lastOk = Math.max(lastOk, commit);
        return stood && !failing();
    }

    /**
     * The commit failed: true when its failure stands, so its alert is raised; false when a later commit has gone
     * through meanwhile (the failure is reported after the writer went to the next commit).
     */
    synchronized boolean failed(long commit) {
        lastFailed = Math.max(lastFailed, commit);
        return failing();
    }

    /** The last commit that ended did not go through. */
    synchronized boolean failing() {
        return lastFailed > lastOk;
    }

    /** For a merge: the writer if it is free now; a cycle does not wait for the commit written behind the last one. */
    boolean tryHold() {
        return writer.tryAcquire();
    }

    /** For a fetch or a cycle that must read the clone as it is: waits for the writer. */
    void hold() {
        writer.acquireUninterruptibly();
    }

    /** Gives back what {@link #tryHold} or {@link #hold} took. */
    void release() {
        writer.release();
    }
}
