package dev.caravan.engine;

import dev.caravan.model.TreeFile;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one intake adds, all or nothing: backlog jobs and the files kept beside them ({@code batch-summary.tsv}, a
 * project's {@code metadata.json} or {@code workflow.json}), and the commit message for them; without one, the next
 * cycle's commit takes them with its own.
 */
public record Addition(List<NewJob> jobs, Map<TreeFile, String> files, Optional<String> commitMessage) {

    public Addition {
        jobs = List.copyOf(jobs);
        files = Map.copyOf(files);
    }
}
