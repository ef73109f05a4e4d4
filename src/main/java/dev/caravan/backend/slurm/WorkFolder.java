package dev.caravan.backend.slurm;

import dev.caravan.backend.OutputTail;
import dev.caravan.model.JobRef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A job's work folder, {@code <work-dir>/<group>/<batch>/<job_id>/}: sbatch's {@code --chdir}, and where each run
 * leaves its files. What belongs to a submission is named by its tag (a hash of the submission token), what belongs
 * to a Slurm job by its id:
 * <pre>
 *   slurm-&lt;tag&gt;.sh         the batch script given to sbatch
 *   slurm-&lt;tag&gt;.jobid      written by that script when it starts: the submission did reach Slurm
 *   slurm-&lt;id&gt;.out, .err   the job's stdout and stderr (sbatch --output, --error)
 *   slurm-&lt;id&gt;.exit       the command's exit status, written by the script when the command ends
 *   slurm-&lt;id&gt;.cancelled  why Caravan cancelled it
 * </pre>
 * The folder must be on a file system the compute nodes share with the daemon.
 */
final class WorkFolder {

    private static final Pattern JOB_ID = Pattern.compile("[0-9]{1,18}");
    private static final int TAG_HEX = 12;
    private static final int TAIL_LINES = 5;
    private static final int TAIL_CHARS = 1000;

    private final Path dir;

    WorkFolder(Path workDir, JobRef job) {
        this.dir = workDir.resolve(job.group()).resolve(job.batch()).resolve(job.jobId());
    }

    /** Run ids are Slurm job ids: anything else is not ours and is never turned into a path. */
    static boolean isJobId(String runId) {
        return runId != null && JOB_ID.matcher(runId).matches();
    }

    /** The same token always gives the same tag, so a submission whose answer was lost is found again. */
    static String tag(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, TAG_HEX / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    Path dir() {
        return dir;
    }

    Path script(String tag) {
        return dir.resolve("slurm-" + tag + ".sh");
    }

    Path jobIdFile(String tag) {
        return dir.resolve("slurm-" + tag + ".jobid");
    }

    /** sbatch's file name pattern for {@code slurm-<id>.<ext>}: a '%' of the folder itself is doubled. */
    String outputPattern(String ext) {
        return dir.toString().replace("%", "%%") + "/slurm-%j." + ext;
    }

    Path stdout(String jobId) {
        return dir.resolve("slurm-" + jobId + ".out");
    }

    Path stderr(String jobId) {
        return dir.resolve("slurm-" + jobId + ".err");
    }

    Path exitFile(String jobId) {
        return dir.resolve("slurm-" + jobId + ".exit");
    }

    Path cancelledFile(String jobId) {
        return dir.resolve("slurm-" + jobId + ".cancelled");
    }

    /** sbatch takes its own copy of the script: it only has to be whole when sbatch reads it. */
    void writeScript(String tag, String content) throws IOException {
        Files.createDirectories(dir);
        Path target = script(tag);
        Path tmp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Optional<String> startedJobId(String tag) throws IOException {
        return read(jobIdFile(tag)).map(String::strip).filter(WorkFolder::isJobId);
    }

    OptionalInt exitStatus(String jobId) throws IOException {
        Optional<String> text = read(exitFile(jobId));
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.get().strip()));
        } catch (NumberFormatException e) {
            throw new IOException("exit file " + exitFile(jobId) + " is damaged: '" + text.get().strip() + "'", e);
        }
    }

    Optional<String> cancelReason(String jobId) throws IOException {
        return read(cancelledFile(jobId)).map(String::strip);
    }

    void writeCancelReason(String jobId, String reason) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(cancelledFile(jobId), reason + "\n", StandardCharsets.UTF_8);
    }

    String stderrTail(String jobId) {
        return OutputTail.of(stderr(jobId), TAIL_LINES, TAIL_CHARS);
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
