package dev.caravan.tracking;

import java.util.List;

/** A merge would conflict; nothing in the clone was changed. */
public class GitConflictException extends RuntimeException {

    private final List<String> paths;

    public GitConflictException(String message, List<String> paths) {
        super(message + (paths.isEmpty() ? "" : ": " + String.join(", ", paths.subList(0, Math.min(20, paths.size())))
                + (paths.size() > 20 ? " and " + (paths.size() - 20) + " more" : "")));
        this.paths = List.copyOf(paths);
    }

    public List<String> paths() {
        return paths;
    }
}
