package dev.caravan.backend.local;

import dev.caravan.model.JobRef;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a run detached from the daemon: {@code setsid} gives the wrapper its own session and process group, so a
 * Ctrl-C to the daemon's group or the daemon's death does not reach it, and cancel can signal the whole tree at once.
 * No stream is shared with the JVM, so nothing blocks or breaks when the daemon goes away.
 */
final class Launcher {

    /**
     * The wrapper ({@code $1} = run id, cwd = the job's folder). It records itself before running the command so a
     * poll can tell "running" from "vanished", and skips the command if a cancel got in before it started; status
     * files are renamed into place so they are never seen half-written.
     */
    static final String WRAPPER = String.join("\n",
            "run=\"$1\"",
            "set -f",
            "ticks=''",
            "if [ -r /proc/$$/stat ] && read -r stat < /proc/$$/stat; then",
            "  set -- ${stat##*) }",
            "  ticks=${20}",
            "fi",
            // the wall-clock second only where /proc gives no start ticks: one process less before the command starts
            "started=''",
            "[ -n \"$ticks\" ] || started=$(date +%s)",
            "printf 'pid=%s start_ticks=%s started=%s\\n' \"$$\" \"$ticks\" \"$started\" > \"$run.pid.tmp\""
                    + " && mv -f \"$run.pid.tmp\" \"$run.pid\" || exit 111",
            "if [ -e \"$run.cancelled\" ]; then",
            "  status=143",
            "else",
            "  sh \"./$run.sh\" < /dev/null > \"$run.stdout\" 2> \"$run.stderr\"",
            "  status=$?",
            "fi",
            "printf '%s\\n' \"$status\" > \"$run.exit.tmp\" && mv -f \"$run.exit.tmp\" \"$run.exit\"",
            "");

    private Launcher() {
    }

    /** Returns once the wrapper is spawned; what it does next is only known from the run's files. */
    static void spawn(RunFolder run, JobRef job) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of("setsid", "sh", "-c", WRAPPER, "caravan-local-run", run.runId()))
                .directory(run.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        // what a command may want to know without being given it as arguments
        Map<String, String> env = pb.environment();
        env.put("CARAVAN_RUN_ID", run.runId());
        env.put("CARAVAN_GROUP", job.group());
        env.put("CARAVAN_BATCH", job.batch());
        env.put("CARAVAN_JOB_ID", job.jobId());
        pb.start();
    }
}
