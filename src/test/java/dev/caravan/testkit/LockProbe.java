package dev.caravan.testkit;

import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;

/** Whether someone (another process, or another channel in this JVM) holds the file lock. */
public final class LockProbe {

    private LockProbe() {
    }

    public static boolean heldElsewhere(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            FileLock l = f.getChannel().tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
