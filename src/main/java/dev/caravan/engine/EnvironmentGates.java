package dev.caravan.engine;

import java.util.Optional;

/**
 * What may stop releases on one environment right now: an operator's pause ({@code jobs/pause.<env>}), a standing
 * excessive-failure flag, and, with a batch barrier, the batch releases come from and how many backlog jobs of
 * later batches it holds back.
 */
public record EnvironmentGates(boolean paused, boolean excessiveFailure, Optional<String> barrierBatch, int heldByBarrier) {
}
