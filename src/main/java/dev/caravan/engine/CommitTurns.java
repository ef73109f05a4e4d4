package dev.caravan.engine;

import java.util.concurrent.Semaphore;

/**
 * Whose turn it is to write the tracking clone's index, HEAD and refs, and what became of the commits: one writer at
 * a time (a commit with its push, a cycle's merge, the fetch timer's fetch), requested commits coalesced (one waits at
 * most and serves every cycle that ends meanwhile), and a failed commit standing until a later one goes through.
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
        writer.acquireUninterruptibly();
        synchronized (this) {
            waiting = false;
            holder = ++begun;
            return holder;
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
