package dev.caravan.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Named places where the crash tests stop a real daemon. Off unless the environment variable is set,
 * so production never pauses: with {@code CARAVAN_FAULT_PAUSE_AFTER_SUBMIT=FILE} the engine writes FILE
 * right after a backend accepted a submission and then waits, so the test can SIGKILL the process at
 * exactly that point.
 */
final class FaultPoints {

    private static final String AFTER_SUBMIT = System.getenv("CARAVAN_FAULT_PAUSE_AFTER_SUBMIT");

    private FaultPoints() {
    }

    static void afterSubmit(String job) {
        if (AFTER_SUBMIT == null || AFTER_SUBMIT.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(AFTER_SUBMIT), job);
            new CountDownLatch(1).await(120, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
