package dev.caravan.batches.runner;

/** A task as an item runs it: its name and its command, already rendered for this item (bash source). */
public record RenderedTask(String name, String command) {
}
