package dev.caravan.backend.slurm;

import dev.caravan.backend.BackendException;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How Slurm's answers are read, on outputs captured from Debian's Slurm 22.05.8 (src/test/resources/slurm: one job
 * held by --begin, one failed with exit 3, one whose afterok dependency on it can never be met), and the batch script
 * run by a real sh. No cluster needed.
 */
class SlurmOutputTest {

    @TempDir
    Path dir;

    private static String resource(String name) throws Exception {
        return new String(SlurmOutputTest.class.getResourceAsStream("/slurm/" + name).readAllBytes());
    }

    @Test
    void textAndJsonOutputsOfTheSameJobsReadTheSame() throws Exception {
        Map<String, QueueEntry> text = SqueueOutput.parseText(resource("squeue-22.05.txt"));
        Map<String, QueueEntry> json = SqueueOutput.parseJson(resource("squeue-22.05.json"));
        assertThat(json).isEqualTo(text);
        assertThat(text.get("50")).isEqualTo(new QueueEntry("50", "PENDING", "BeginTime",
                Optional.of(new QueueEntry.ExitCode(0, 0)), "", "caravan:PACA-CA/2021-06-20/job.0001#1-9f2c41d0"));
        assertThat(text.get("51")).isEqualTo(new QueueEntry("51", "FAILED", "NonZeroExitCode",
                Optional.of(new QueueEntry.ExitCode(3, 0)), "", "caravan:PACA-CA/2021-06-20/job.0002#1-0b7e3a55"));
        QueueEntry stuck = text.get("52");
        assertThat(stuck.dependencyNeverSatisfied()).isTrue();
        assertThat(stuck.dependency()).isEqualTo("afterok:51(failed)");
    }

    /** The shapes later releases print (23.02: numbers as {set, number}; 23.11 on: states as lists, exit objects). */
    @Test
    void laterJsonShapesAreReadToo() throws Exception {
        String v2302 = "{\"jobs\": [{\"job_id\": 7, \"job_state\": \"FAILED\", \"state_reason\": \"NonZeroExitCode\","
                + " \"exit_code\": {\"set\": true, \"infinite\": false, \"number\": 512}, \"dependency\": \"\", \"comment\": \"c\"}]}";
        String v2311 = "{\"jobs\": [{\"job_id\": 8, \"job_state\": [\"TIMEOUT\"], \"state_reason\": \"TimeLimit\","
                + " \"exit_code\": {\"status\": [\"SIGNALED\"], \"return_code\": {\"set\": true, \"number\": 0},"
                + " \"signal\": {\"id\": {\"set\": true, \"number\": 15}, \"name\": \"TERM\"}},"
                + " \"comment\": {\"administrator\": \"\", \"job\": \"caravan:x\", \"system\": \"\"}}]}";
        assertThat(SqueueOutput.parseJson(v2302).get("7")).isEqualTo(new QueueEntry("7", "FAILED", "NonZeroExitCode",
                Optional.of(new QueueEntry.ExitCode(2, 0)), "", "c"));
        assertThat(SqueueOutput.parseJson(v2311).get("8")).isEqualTo(new QueueEntry("8", "TIMEOUT", "TimeLimit",
                Optional.of(new QueueEntry.ExitCode(0, 15)), "", "caravan:x"));
    }

    @Test
    void sacctLinesGiveTheStateWithoutWhoCancelledAndLeaveStepsOut() {
        Map<String, QueueEntry> e = SqueueOutput.parseSacct("51|FAILED|3:0\n52|CANCELLED by 0|0:0\n53|COMPLETED|0:0\n"
                + "53.batch|COMPLETED|0:0\n54|TIMEOUT|0:15|TimeLimit\n");
        assertThat(e.keySet()).containsExactly("51", "52", "53", "54");
        assertThat(e.get("52").state()).isEqualTo("CANCELLED");
        assertThat(e.get("51").exit()).contains(new QueueEntry.ExitCode(3, 0));
        assertThat(e.get("54").exit().orElseThrow()).hasToString("signal 15");
        assertThat(e.get("54").reason()).isEqualTo("TimeLimit");
    }

    @Test
    void versionsOfSqueue() {
        assertThat(SqueueOutput.version("slurm-wlm 22.05.8")).contains(2205);
        assertThat(SqueueOutput.version("slurm 23.11.4")).contains(2311);
        assertThat(SqueueOutput.version("squeue: unknown")).isEmpty();
    }

    @Test
    void statesAsTheIssueMapsThem() {
        for (String s : List.of("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "SUSPENDED")) {
            assertThat(SlurmStates.phase(s)).as(s).isEqualTo(RunStatus.Phase.IN_FLIGHT);
        }
        for (String s : List.of("FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "CANCELLED")) {
            assertThat(SlurmStates.phase(s)).as(s).isEqualTo(RunStatus.Phase.FAILED);
        }
        assertThat(SlurmStates.phase("COMPLETED")).isEqualTo(RunStatus.Phase.COMPLETED);
        assertThat(SlurmStates.phase("SOMETHING_NEW")).isEqualTo(RunStatus.Phase.UNKNOWN);
    }

    /** The messages Slurm 22.05's clients print (seen on the test cluster with slurmctld stopped, munge down, bad input). */
    @Test
    void errorsAreSortedByWhatTheyMeanForTheCycle() {
        assertThat(SlurmException.classify("sbatch: error: Batch job submission failed: Unable to contact slurm controller"
                + " (connect failure)", BackendException.Kind.BAD_INPUT)).isEqualTo(BackendException.Kind.RETRYABLE);
        assertThat(SlurmException.classify("slurm_load_jobs error: Socket timed out on send/recv operation",
                BackendException.Kind.RETRYABLE)).isEqualTo(BackendException.Kind.RETRYABLE);
        assertThat(SlurmException.classify("sbatch: error: Batch job submission failed: Slurm temporarily unable to accept"
                + " job, sleeping and retrying", BackendException.Kind.BAD_INPUT)).isEqualTo(BackendException.Kind.RETRYABLE);
        assertThat(SlurmException.classify("sbatch: error: Munge encode failed: Failed to access \"/run/munge/munge.socket.2\":"
                + " No such file or directory (retrying ...)", BackendException.Kind.BAD_INPUT)).isEqualTo(BackendException.Kind.CRITICAL);
        assertThat(SlurmException.classify("sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job"
                + " submission failed: Invalid partition name specified", BackendException.Kind.BAD_INPUT))
                .isEqualTo(BackendException.Kind.BAD_INPUT);
        assertThat(SlurmException.classify("sbatch: error: Memory specification can not be satisfied\nsbatch: error:"
                + " Batch job submission failed: Requested node configuration is not available",
                BackendException.Kind.BAD_INPUT)).isEqualTo(BackendException.Kind.BAD_INPUT);
    }

    /** The batch script with sh as Slurm runs it: the command taken literally, its status and the job id recorded. */
    @Test
    void theBatchScriptRunsTheCommandLiterallyAndRecordsItself() throws Exception {
        JobRef job = new JobRef("PACA-CA", "2021-06-20", "job.0001");
        String command = "printf '%s\\n' \"it's $((1+1))\" '$(not run)' 'a)b'\n"
                + "case x in x) echo case;; esac\n"
                + "cat <<'EOF'\nEOF inside\nEOF\n"
                + "echo \"stdin: $(cat)\"\n"
                + "exit 7";
        String script = BatchScript.render(job, "PACA-CA/2021-06-20/job.0001#1-ab", "0123456789ab", command);
        Path file = dir.resolve("job.sh");
        Files.writeString(file, script);
        ProcessBuilder pb = new ProcessBuilder("sh", file.toString()).directory(dir.toFile())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("SLURM_JOB_ID", "4242");
        int status = pb.start().waitFor();
        assertThat(status).isEqualTo(7);
        assertThat(Files.readString(dir.resolve("out")))
                .isEqualTo("it's 2\n$(not run)\na)b\ncase\nEOF inside\nstdin: \n");
        assertThat(Files.readString(dir.resolve("slurm-0123456789ab.jobid"))).isEqualTo("4242\n");
        assertThat(Files.readString(dir.resolve("slurm-4242.exit"))).isEqualTo("7\n");
    }
}
