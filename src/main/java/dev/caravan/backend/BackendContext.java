package dev.caravan.backend;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What the daemon lends a backend: where it may keep local state, the clock, and where to say that a run ended
 * ({@link RunEnds#NONE} when nothing listens, for one-shot commands and tools).
 */
public record BackendContext(Path workDir, Clock clock, RunEnds runEnds) {

    public BackendContext(Path workDir, Clock clock) {
        this(workDir, clock, RunEnds.NONE);
    }
}
