package dev.caravan.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The set-up many flow tests share: a {@link FlowFixture} in a temporary folder and one in-JVM daemon on it, closed
 * after each test (the daemon, then the fixture's Slack emulator, then whatever the test gave {@link #closeLast}, a
 * {@link Tmpfs} say), and a count of Slack posts.
 */
public abstract class DaemonFlowTest {

    @TempDir
    protected Path dir;

    protected FlowFixture fx;
    protected DaemonHarness daemon;
    private final Deque<AutoCloseable> last = new ArrayDeque<>();

    /** Closed after the daemon and the fixture, the latest first. */
    protected <T extends AutoCloseable> T closeLast(T resource) {
        last.push(resource);
        return resource;
    }

    @AfterEach
    void stopDaemonAndSlack() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (fx != null) {
                fx.slack.close();
            }
            while (!last.isEmpty()) {
                last.pop().close();
            }
        }
    }

    /** Slack posts so far that contain {@code text}. */
    protected long count(String text) {
        return fx.slack.texts().stream().filter(t -> t.contains(text)).count();
    }
}
