package dev.caravan.batches.service;

import dev.caravan.batches.TaskList;
import dev.caravan.batches.export.SlurmResources;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A named batch configuration ({@code caravan.batches.config.<name>.*}, WEPPcloud's "config to use"): the
 * environment items run on, the ordered tasks, an optional base folder copied into each item's work folder, an
 * optional scratch folder, the item order ({@code orderBy}: empty = as given, else the numeric feature property to
 * run largest first), the batch's parallelism (0 = the environment's) and default cluster resources.
 */
public record BatchConfig(String name, String environment, TaskList tasks, Optional<Path> base, Optional<Path> scratch,
                          String orderBy, int parallel, SlurmResources resources) {
}
