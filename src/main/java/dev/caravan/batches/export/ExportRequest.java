package dev.caravan.batches.export;

import java.time.Instant;
import java.util.List;

/**
 * What to export for a cluster: the batch's name (group and batch, for comments), when (the folder is
 * {@code jobs_<yyyyMMdd_HHmmss>}, UTC, as Mesmerize names it), the prefix commands (the setting
 * {@code caravan.batches.prefix-commands}: module load, conda activate), the batch's default resources,
 * and the items in the order they should run.
 */
public record ExportRequest(String group, String batch, Instant at, List<String> prefixCommands,
        SlurmResources batchResources, List<ExportItem> items) {

    public ExportRequest {
        prefixCommands = prefixCommands == null ? List.of() : List.copyOf(prefixCommands);
        batchResources = batchResources == null ? SlurmResources.NONE : batchResources;
        items = List.copyOf(items);
    }
}
