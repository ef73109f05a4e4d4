package dev.caravan.tracking;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OS file lock of a tracking clone, {@code <dir>/.git/caravan/cycle}: the daemons' leader election holds it
 * ({@code master:} with the file-lock cluster service, namespace {@value #NAMESPACE}, locks the same file), and
 * one-shot commands and imports take it so they never run beside a daemon.
 */
public final class CycleLock implements AutoCloseable {

    /** The cluster namespace of the leader election, which is also the lock file's name. */
    public static final String NAMESPACE = "cycle";

    /**
     * The lock files this JVM holds through {@link #tryAcquire}, and since when: asking the OS again would release
     * them.
     */
    private static final Map<Path, Instant> HELD = new ConcurrentHashMap<>();

    private final RandomAccessFile file;
    private final FileLock lock;
    private final Path path;

    private CycleLock(RandomAccessFile file, FileLock lock, Path path) {
        this.file = file;
        this.lock = lock;
        this.path = path;
        HELD.put(path, Instant.now());
    }

    /**
     * Since when this process holds the lock of the clone at {@code trackingDir} through {@link #tryAcquire}; empty when
     * it does not. The lock is exclusive: a Caravan process that made a Git lock file older than this had let go of the
     * cycle lock by then (it ended), so it is not writing any more.
     */
    public static Optional<Instant> heldSince(Path trackingDir) {
        return Optional.ofNullable(HELD.get(key(trackingDir)));
    }

    private static Path key(Path trackingDir) {
        return file(trackingDir).toAbsolutePath().normalize();
    }

    /** Where the cluster service keeps its locks: {@code <dir>/.git/caravan}, beside the journal. */
    public static Path folder(Path trackingDir) {
        return trackingDir.resolve(".git").resolve(Journal.DIR);
    }

    /** The lock file of a tracking clone. */
    public static Path file(Path trackingDir) {
        return folder(trackingDir).resolve(NAMESPACE);
    }

    /** Takes the lock of the clone at {@code trackingDir}; empty while another process holds it. */
    public static Optional<CycleLock> tryAcquire(Path trackingDir) {
        Path lockFile = file(trackingDir);
        try {
            Files.createDirectories(lockFile.getParent());
            RandomAccessFile f = new RandomAccessFile(lockFile.toFile(), "rw");
            try {
                FileLock l = f.getChannel().tryLock();
                if (l == null) {
                    f.close();
                    return Optional.empty();
                }
                return Optional.of(new CycleLock(f, l, key(trackingDir)));
            } catch (OverlappingFileLockException e) {
                f.close();
                return Optional.empty();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cycle lock " + lockFile, e);
        }
    }

    @Override
    public void close() {
        HELD.remove(path);
        try {
            lock.release();
            file.close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }
}
