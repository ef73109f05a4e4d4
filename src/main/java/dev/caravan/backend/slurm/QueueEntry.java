package dev.caravan.backend.slurm;

import java.util.Optional;

/**
 * One job as Slurm reports it: from squeue (still in slurmctld's memory) or from accounting (after it left).
 *
 * @param state      Slurm's base state ({@code PENDING}, {@code TIMEOUT}, ...), without sacct's "by 0"
 * @param reason     why it waits or why it ended ({@code Dependency}, {@code NonZeroExitCode}); empty when none
 * @param exit       the batch script's exit code and signal, when Slurm has them
 * @param dependency what it waits for, with Slurm's verdict ({@code afterok:12(failed)}); empty when none
 * @param comment    the submission's {@code --comment}; empty when none
 */
record QueueEntry(String jobId, String state, String reason, Optional<ExitCode> exit, String dependency,
                  String comment) {

    /** A process's end: {@code status} from exit(), or the {@code signal} that killed it. */
    record ExitCode(int status, int signal) {

        /** A raw wait status, as squeue and scontrol give it ({@code 768} is exit 3). */
        static ExitCode ofWaitStatus(long raw) {
            return new ExitCode((int) ((raw >> 8) & 0xff), (int) (raw & 0x7f));
        }

        /** sacct's {@code 3:0} (exit code, then signal). */
        static Optional<ExitCode> parse(String text) {
            String[] parts = text.trim().split(":");
            try {
                return Optional.of(new ExitCode(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return signal != 0 ? "signal " + signal : "exit " + status;
        }
    }

    QueueEntry {
        state = clean(state);
        int space = state.indexOf(' ');
        if (space > 0) {
            state = state.substring(0, space); // sacct: "CANCELLED by 0"
        }
        reason = clean(reason);
        if (reason.equals("None")) {
            reason = "";
        }
        dependency = clean(dependency);
        comment = clean(comment);
    }

    boolean pending() {
        return state.equals("PENDING");
    }

    /** Slurm leaves such a job pending for ever; nothing it waits for can still end well. */
    boolean dependencyNeverSatisfied() {
        return pending() && reason.equals("DependencyNeverSatisfied");
    }

    /** {@code (null)} is how Slurm's text output says "nothing". */
    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        return t.equals("(null)") ? "" : t;
    }
}
