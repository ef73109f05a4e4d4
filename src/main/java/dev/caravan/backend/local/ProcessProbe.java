package dev.caravan.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Asks the OS about processes that are not the JVM's children (the runs outlive the daemon). On Linux it reads
 * /proc directly because {@link ProcessHandle} counts zombies as alive and cannot see process groups.
 */
final class ProcessProbe {

    private static final Path PROC = Path.of("/proc");
    /** Without /proc, start times only come as wall-clock instants, rounded differently on each side. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(5);

    /** The fields of /proc/&lt;pid&gt;/stat we need. */
    record Stat(char state, long pgrp, long startTicks) {
        boolean isDead() {
            return state == 'Z' || state == 'X' || state == 'x';
        }
    }

    private ProcessProbe() {
    }

    static boolean hasProc() {
        return Files.isDirectory(PROC.resolve("self"));
    }

    static Optional<Stat> stat(long pid) {
        try {
            return Optional.of(parseStat(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // the process went away while we read, or the line is not what we expect: either way not ours
            return Optional.empty();
        }
    }

    /** The command name in parentheses may hold spaces and parentheses, so fields are counted after the last ')'. */
    static Stat parseStat(String line) {
        String[] f = line.substring(line.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state); pgrp is field 5, starttime field 22
        return new Stat(f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[19]));
    }

    /** Whether the process the pid file describes is still running, and is that process rather than a reuse of its pid. */
    static boolean isRunning(RunFolder.PidRecord record) {
        if (hasProc()) {
            Optional<Stat> stat = stat(record.pid());
            if (stat.isEmpty() || stat.get().isDead()) {
                return false;
            }
            if (record.startTicks().isPresent()) {
                return stat.get().startTicks() == record.startTicks().getAsLong();
            }
        }
        return ProcessHandle.of(record.pid()).filter(ProcessHandle::isAlive)
                .map(h -> startMatches(h, record))
                .orElse(false);
    }

    private static boolean startMatches(ProcessHandle handle, RunFolder.PidRecord record) {
        if (record.startedEpoch().isEmpty()) {
            return true;
        }
        Optional<Instant> start = handle.info().startInstant();
        if (start.isEmpty()) {
            return true;
        }
        Instant recorded = Instant.ofEpochSecond(record.startedEpoch().getAsLong());
        return Duration.between(start.get(), recorded).abs().compareTo(START_TOLERANCE) <= 0;
    }

    /** Whether any live (non-zombie) process is still in the process group. */
    static boolean groupAlive(long pgid) {
        if (!hasProc()) {
            return signalGroup(pgid, "0");
        }
        try (Stream<Path> entries = Files.list(PROC)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                    .map(name -> stat(Long.parseLong(name)))
                    .flatMap(Optional::stream)
                    .anyMatch(s -> s.pgrp() == pgid && !s.isDead());
        } catch (IOException e) {
            return signalGroup(pgid, "0");
        }
    }

    /**
     * Sends a signal to a whole process group through the shell's {@code kill}, which Java cannot do itself.
     *
     * @return whether at least one process got it
     */
    static boolean signalGroup(long pgid, String signal) {
        if (pgid <= 1) {
            // -1 and -0 mean "everything I may signal" and "my own group": never what a run means
            return false;
        }
        ProcessBuilder kill = new ProcessBuilder(List.of("sh", "-c", "kill -s \"$1\" -- \"-$2\"", "kill",
                signal, Long.toString(pgid)))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = kill.start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
