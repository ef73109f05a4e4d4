package dev.caravan.backend.local;

import dev.caravan.backend.OutputTail;
import dev.caravan.model.JobRef;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The files of one run in {@code <workDir>/<group>/<batch>/<job_id>/}, all named {@code <runId>.<what>}. They are
 * the only record of the run, so any backend instance (a restarted daemon, a cron {@code cycle --once}) can answer
 * for it; every status file appears whole (written aside, then renamed) so a reader never sees half of one.
 */
final class RunFolder {

    /** What submit wrote before spawning: which submission this run is, and when it was launched. */
    record Launch(String token, long launchedMillis) {
    }

    /**
     * What the wrapper wrote about itself: its pid, which is also its process group (it is a session leader), and
     * its start time, so a reused pid is not mistaken for the run.
     *
     * @param startTicks   field 22 of /proc/&lt;pid&gt;/stat, when the system has /proc
     * @param startedEpoch the wall-clock second the wrapper started, for systems without /proc
     */
    record PidRecord(long pid, OptionalLong startTicks, OptionalLong startedEpoch) {
    }

    private final Path dir;
    private final String runId;

    RunFolder(Path workDir, JobRef job, String runId) {
        this.dir = workDir.resolve(job.group()).resolve(job.batch()).resolve(job.jobId());
        this.runId = runId;
    }

    Path dir() {
        return dir;
    }

    String runId() {
        return runId;
    }

    Path file(String what) {
        return dir.resolve(runId + "." + what);
    }

    Path launchFile() {
        return file("launch");
    }

    Path scriptFile() {
        return file("sh");
    }

    Path pidFile() {
        return file("pid");
    }

    Path exitFile() {
        return file("exit");
    }

    Path stderrFile() {
        return file("stderr");
    }

    Path cancelledFile() {
        return file("cancelled");
    }

    Optional<Launch> readLaunch() throws IOException {
        Optional<String> text = read(launchFile());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String[] lines = text.get().split("\n", 2);
        try {
            return Optional.of(new Launch(lines.length > 1 ? lines[1] : "", Long.parseLong(lines[0].trim())));
        } catch (NumberFormatException e) {
            throw new IOException("launch file " + launchFile() + " is damaged: " + e.getMessage(), e);
        }
    }

    /** Synced to disk before the process starts: after a crash, the run must still be found by its token. */
    void writeLaunch(Launch launch) throws IOException {
        writeAtomically(launchFile(), launch.launchedMillis() + "\n" + launch.token(), true);
    }

    /**
     * Not forced to disk: only the wrapper spawned right after reads it, and a machine that loses it in a crash lost
     * that run with it. The launch file (forced, with the folder) is what a restarted daemon looks for.
     */
    void writeScript(String command) throws IOException {
        writeAtomically(scriptFile(), command + "\n", false);
    }

    Optional<PidRecord> readPid() throws IOException {
        Optional<String> text = read(pidFile());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String word : text.get().trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                fields.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        try {
            long pid = Long.parseLong(fields.getOrDefault("pid", ""));
            return Optional.of(new PidRecord(pid, optionalLong(fields.get("start_ticks")),
                    optionalLong(fields.get("started"))));
        } catch (NumberFormatException e) {
            throw new IOException("pid file " + pidFile() + " is damaged: '" + text.get().trim() + "'", e);
        }
    }

    OptionalInt readExit() throws IOException {
        Optional<String> text = read(exitFile());
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.get().trim()));
        } catch (NumberFormatException e) {
            throw new IOException("exit file " + exitFile() + " is damaged: '" + text.get().trim() + "'", e);
        }
    }

    void writeExit(int status) throws IOException {
        writeAtomically(exitFile(), status + "\n", true);
    }

    Optional<String> readCancelled() throws IOException {
        return read(cancelledFile()).map(String::strip);
    }

    void writeCancelled(String reason) throws IOException {
        writeAtomically(cancelledFile(), reason + "\n", true);
    }

    /** The last {@code lines} non-empty lines of the run's stderr, at most {@code maxChars} (the end is kept). */
    String stderrTail(int lines, int maxChars) {
        return OutputTail.of(stderrFile(), lines, maxChars);
    }

    void deleteLaunch() throws IOException {
        Files.deleteIfExists(launchFile());
        Files.deleteIfExists(scriptFile());
    }

    private static OptionalLong optionalLong(String value) {
        return value == null || value.isBlank() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Written aside and renamed over the target, so readers see the old file or the whole new one. */
    static void writeAtomically(Path target, String content, boolean durable) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (durable) {
            syncDirectory(target.getParent());
        }
    }

    /** The rename itself is only durable once the folder is synced; not every OS lets Java do that. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file content itself is already on disk
        }
    }
}
