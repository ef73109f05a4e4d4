package dev.caravan.report;

import dev.caravan.tracking.TrackingTree;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code report --tracking DIR}: the state report of any tree folder, read without Git, and what was wrong in it. */
public record FolderReport(String text, List<String> warnings) {

    /** Empty when the folder has no {@code jobs/}. */
    public static Optional<FolderReport> read(Path dir) {
        return TrackingTree.readFolder(dir).map(f -> new FolderReport(StateReport.render(f.tree().index().counts()),
                f.warnings()));
    }
}
