package dev.caravan.backend.slurm;

import dev.caravan.model.JobRef;

/**
 * The script sbatch runs for one submission. Before the command it records its Slurm job id under the submission's
 * tag, so a submission whose sbatch answer was lost and that already left the queue is still found; after the command
 * it records the exit status, for clusters whose accounting cannot say how a job ended. The command is taken
 * literally (a quoted here-document) and run by its own {@code sh}, so its exits and traps stay its own.
 */
final class BatchScript {

    private BatchScript() {
    }

    /** @throws IllegalArgumentException when the command holds the here-document's end line (it never should) */
    static String render(JobRef job, String token, String tag, String command) {
        String end = "CARAVAN_COMMAND_END_" + tag;
        if (command.lines().anyMatch(l -> l.equals(end))) {
            throw new IllegalArgumentException("the command of job " + job.path() + " holds the line " + end);
        }
        return String.join("\n",
                "#!/bin/sh",
                "# Caravan: job " + job.path() + ", submission " + token,
                "# (sbatch keeps its own copy of this script; the job's folder is its working directory)",
                "tag=" + tag,
                "printf '%s\\n' \"$SLURM_JOB_ID\" > \"slurm-$tag.jobid.tmp\" && mv -f \"slurm-$tag.jobid.tmp\" \"slurm-$tag.jobid\""
                        + " || { echo \"caravan: cannot write slurm-$tag.jobid in $PWD\" >&2; exit 111; }",
                "cmd=$(cat <<'" + end + "'",
                command,
                end,
                ")",
                // a handler, not an ignore: the command must still get the TERM of a time-out or scancel
                "trap 'caravan_term=1' TERM",
                "sh -c \"$cmd\" caravan-job < /dev/null",
                "status=$?",
                "printf '%s\\n' \"$status\" > \"slurm-$SLURM_JOB_ID.exit.tmp\" && mv -f \"slurm-$SLURM_JOB_ID.exit.tmp\""
                        + " \"slurm-$SLURM_JOB_ID.exit\"",
                "exit $status",
                "");
    }
}
