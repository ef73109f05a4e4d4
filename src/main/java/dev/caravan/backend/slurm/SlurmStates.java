package dev.caravan.backend.slurm;

import dev.caravan.model.RunStatus;

import java.util.Set;

/** Slurm's job states in Caravan's words. */
final class SlurmStates {

    /** Queued or running: still the cluster's. The first six are the list; the rest are their variants. */
    private static final Set<String> IN_FLIGHT = Set.of("PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED",
            "SUSPENDED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED",
            "RESV_DEL_HOLD", "POWER_UP_NODE");
    /** Ended without success; PREEMPTED, SPECIAL_EXIT and REVOKED end a job that was not requeued. */
    private static final Set<String> FAILED = Set.of("FAILED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL",
            "DEADLINE", "CANCELLED", "PREEMPTED", "SPECIAL_EXIT", "REVOKED");

    private SlurmStates() {
    }

    static RunStatus.Phase phase(String state) {
        if (state.equals("COMPLETED")) {
            return RunStatus.Phase.COMPLETED;
        }
        if (IN_FLIGHT.contains(state)) {
            return RunStatus.Phase.IN_FLIGHT;
        }
        if (FAILED.contains(state)) {
            return RunStatus.Phase.FAILED;
        }
        return RunStatus.Phase.UNKNOWN;
    }
}
