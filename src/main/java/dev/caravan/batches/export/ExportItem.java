package dev.caravan.batches.export;

import dev.caravan.batches.runner.ItemRun;

/** One item to export: how it runs (paths as they are on the cluster) and its own resources, if any. */
public record ExportItem(ItemRun run, SlurmResources resources) {
}
