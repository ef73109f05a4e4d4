package dev.caravan.backend.local;

import dev.caravan.testkit.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exit watch on real folders: an exit written the wrapper's way (aside, then renamed in) is noticed; other files
 * are not; a burst of exits makes a few calls, not one per exit.
 */
class ExitWatchTest {

    @TempDir
    Path dir;

    @Test
    void everyExitIsNoticedAndNothingElse() throws Exception {
        AtomicInteger exits = new AtomicInteger();
        CountDownLatch burstWritten = new CountDownLatch(1);
        // the call for the burst's first exits waits until the whole burst is written: a loaded machine then cannot
        // make the writer slower than the watch (every exit on its own, as if nothing coalesced)
        Runnable onExit = () -> {
            if (exits.incrementAndGet() == 2) {
                try {
                    burstWritten.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (ExitWatch w = new ExitWatch("t", onExit)) {
            for (int i = 0; i < 200; i++) {
                Path d = Files.createDirectories(dir.resolve("job" + i));
                w.watch(d);
                Files.writeString(d.resolve("local-1.pid"), "pid=1\n"); // not an exit
            }
            Path first = dir.resolve("job0");
            Files.writeString(first.resolve("local-1.exit.tmp"), "0\n");
            Files.move(first.resolve("local-1.exit.tmp"), first.resolve("local-1.exit"), StandardCopyOption.ATOMIC_MOVE);
            Poll.until("the first exit noticed", Duration.ofSeconds(10), () -> exits.get() == 1);
            for (int i = 1; i < 200; i++) {
                Path d = dir.resolve("job" + i);
                Files.writeString(d.resolve("local-1.exit.tmp"), "0\n");
                Files.move(d.resolve("local-1.exit.tmp"), d.resolve("local-1.exit"), StandardCopyOption.ATOMIC_MOVE);
            }
            burstWritten.countDown();
            // the watch is not told which run ended: each call means "some ended"; 199 exits, far fewer calls
            Path last = dir.resolve("job199");
            Poll.until("the burst noticed", Duration.ofSeconds(10), () -> exits.get() > 1);
            assertThat(Files.exists(last.resolve("local-1.exit"))).isTrue();
            assertThat(exits.get()).isBetween(2, 50);
        }
    }
}
