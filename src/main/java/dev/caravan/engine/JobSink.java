package dev.caravan.engine;

import dev.caravan.tracking.TreeView;

import java.util.function.Function;

/**
 * Where new jobs go: the daemon's tree through the engine's {@link Intake}, or an operator's own folder
 * ({@link FolderIntake}). Either way the whole addition is checked before anything is written.
 */
public interface JobSink {

    /**
     * Plans an addition from the tree as it is and adds it, with nothing else changing the tree in between: refused
     * whole (nothing written) when a job is in the tree already in any state, or a file or folder is in the way.
     */
    IntakeOutcome add(Function<TreeView, Addition> plan);
}
