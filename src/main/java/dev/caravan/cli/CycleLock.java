package dev.caravan.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OS file lock the daemons' leader election holds ({@code master:} with the file-lock cluster
 * service locks the same file), taken by one-shot commands so they never run beside a daemon.
 */
final class CycleLock implements AutoCloseable {

    private final RandomAccessFile file;
    private final FileLock lock;

    private CycleLock(RandomAccessFile file, FileLock lock) {
        this.file = file;
        this.lock = lock;
    }

    /** @return the held lock, or null when another process holds it */
    static CycleLock tryAcquire(Path lockFile) throws IOException {
        Files.createDirectories(lockFile.getParent());
        RandomAccessFile f = new RandomAccessFile(lockFile.toFile(), "rw");
        try {
            FileLock l = f.getChannel().tryLock();
            if (l == null) {
                f.close();
                return null;
            }
            return new CycleLock(f, l);
        } catch (OverlappingFileLockException e) {
            f.close();
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        file.close();
    }
}
