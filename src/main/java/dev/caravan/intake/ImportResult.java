package dev.caravan.intake;

import dev.caravan.model.JobRef;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an import wrote.
 *
 * @param group        the group the jobs went to
 * @param batch        the batch they went to (the resolved name when {@code auto} was asked for)
 * @param jobs         the new backlog jobs, in the order of the input rows
 * @param touchedPaths every path the import changed, relative to the tracking repo's root and
 *                     '/'-separated (the new {@code params.json} files and {@code batch-summary.tsv}),
 *                     sorted; the caller stages and commits exactly these
 */
public record ImportResult(String group, String batch, List<JobRef> jobs, Set<String> touchedPaths) {

    public ImportResult {
        jobs = List.copyOf(jobs);
        touchedPaths = Collections.unmodifiableSortedSet(new TreeSet<>(touchedPaths));
    }
}
