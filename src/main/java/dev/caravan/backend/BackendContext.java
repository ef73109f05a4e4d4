package dev.caravan.backend;

import java.nio.file.Path;
import java.time.Clock;

/** What the daemon lends a backend: where it may keep local state, and the clock. */
public record BackendContext(Path workDir, Clock clock) {
}
