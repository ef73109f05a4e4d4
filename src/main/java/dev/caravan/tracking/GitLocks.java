package dev.caravan.tracking;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Git's own lock files ({@code .git/index.lock}, {@code .git/refs/heads/scheduler.lock}, ...) that a SIGKILL left
 * behind. Git never removes them itself, so without this one kill could stop every later commit for good.
 * Only the caller knows whether they are stale: it must hold the cycle lock, so no writer of its own is running.
 */
public final class GitLocks {

    private GitLocks() {
    }

    /**
     * Removes the lock files in {@code gitDir} (top level and under {@code refs/}) last changed before
     * {@code before}, the moment the caller took the cycle lock: whoever made them held it before and let it go (a
     * killed leader, the last process), so no Git operation of ours that old can still be running.
     *
     * @return the files removed, for the WARNING that names them
     */
    public static List<Path> removeStale(Path gitDir, Instant before) {
        List<Path> removed = new ArrayList<>();
        try {
            for (Path p : candidates(gitDir)) {
                if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)
                        && Files.deleteIfExists(p)) {
                    removed.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove stale Git locks in " + gitDir, e);
        }
        return removed;
    }

    /** Removes {@code lock} if it is a lock file last changed before {@code before}; true when it was removed. */
    public static boolean removeIfStale(Path lock, Instant before) {
        try {
            return isLockFile(lock)
                    && Files.getLastModifiedTime(lock, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)
                    && Files.deleteIfExists(lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale Git lock " + lock, e);
        }
    }

    private static List<Path> candidates(Path gitDir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> top = Files.list(gitDir)) {
            top.filter(GitLocks::isLockFile).forEach(out::add);
        }
        Path refs = gitDir.resolve("refs");
        if (Files.isDirectory(refs)) {
            try (Stream<Path> s = Files.walk(refs)) {
                s.filter(GitLocks::isLockFile).forEach(out::add);
            }
        }
        return out;
    }

    private static boolean isLockFile(Path p) {
        return p.getFileName().toString().endsWith(".lock") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }
}
