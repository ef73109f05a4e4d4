package dev.caravan.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real daemon processes ({@code caravan run --config FILE}) on this test's class path, for tests that SIGKILL one
 * at a chosen point; {@link #close} kills whatever is still running.
 */
public final class DaemonProcesses implements AutoCloseable {

    private final List<Process> started = new ArrayList<>();

    /** @param env added to the process's environment (a fault point, say) */
    public Process start(Path config, Path log, Map<String, String> env) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.caravan.cli.Caravan", "run", "--config", config.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** What {@link #killRightAfterSubmit} leaves: the daemons' config file and the job whose answer was lost. */
    public record Crash(Path config, String job) {
    }

    /**
     * Starts a daemon with a cycle every second that pauses right after a backend accepted its first submission
     * (engine FaultPoints), waits for that point and SIGKILLs it: no shutdown hook, no cleanup. Restart with
     * {@link #start} on the returned config.
     */
    public Crash killRightAfterSubmit(Path dir, Map<String, String> settings) throws Exception {
        Map<String, String> s = new java.util.LinkedHashMap<>(settings);
        s.put("caravan.triggers.enabled", "true");
        s.putIfAbsent("caravan.cycle.cron", "0/1 * * * * ?"); // a test may leave cycles to events alone
        s.put("camel.main.routes-reload-enabled", "false");
        Path config = DaemonHarness.writeConfig(dir.resolve("daemon.properties"), s);
        Path signal = dir.resolve("submitted");
        Path log = dir.resolve("first.log");
        Process first = start(config, log, Map.of("CARAVAN_FAULT_PAUSE_AFTER_SUBMIT", signal.toString()));
        Poll.until("a submission accepted by the backend", Duration.ofSeconds(90),
                () -> hasText(signal) || !first.isAlive()); // the file appears before its text is written
        if (!first.isAlive()) {
            throw new AssertionError("the daemon ended before its first submission; log: " + log);
        }
        first.destroyForcibly().waitFor();
        return new Crash(config, Files.readString(signal));
    }

    private static boolean hasText(Path file) {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Kills every daemon still running and the runs they launched, and waits until they are gone: a process still
     * writing into the test's folder would make its cleanup fail.
     */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : started) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                throw new AssertionError("process " + h.pid() + " did not end within 30 s of SIGKILL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
