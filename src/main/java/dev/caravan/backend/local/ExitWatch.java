package dev.caravan.backend.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * Notices a run's exit file appearing in its run folder (the wrapper writes it aside and renames it in, which the
 * watch reports as a creation) through the file system's own notification (inotify on Linux), not by polling: one
 * thread blocks until the kernel says something appeared. A folder is watched from its run's submit (or from the first
 * poll that finds the run going, after a restart) until an exit appears in it.
 */
final class ExitWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExitWatch.class);
    private static final String EXIT_SUFFIX = ".exit";

    private final WatchService service;
    private final Runnable onExit;
    private final Thread thread;

    ExitWatch(String envName, Runnable onExit) throws IOException {
        this.service = FileSystems.getDefault().newWatchService();
        this.onExit = onExit;
        this.thread = new Thread(this::run, "caravan-exit-watch-" + envName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches {@code dir} (again: the same key when it is watched already). */
    void watch(Path dir) throws IOException {
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE);
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = service.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            // every folder signalled by now, then one request: a burst of ends asks once, not once per run
            boolean exited = false;
            try {
                for (; key != null; key = service.poll()) {
                    exited |= exitIn(key);
                }
            } catch (ClosedWatchServiceException e) {
                return;
            }
            if (exited) {
                try {
                    onExit.run();
                } catch (RuntimeException e) {
                    LOG.warn("A run ended, but the cycle request failed: {}", e.getMessage());
                }
            }
        }
    }

    private static boolean exitIn(WatchKey key) {
        boolean exited = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            // an overflow lost events: some of them may have been exits
            exited |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || event.context().toString().endsWith(EXIT_SUFFIX);
        }
        if (exited) {
            key.cancel(); // the run is over; a later run of the job watches the folder again from its submit
        } else {
            key.reset();
        }
        return exited;
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("closing the exit watch: {}", e.getMessage());
        }
        thread.interrupt();
    }
}
