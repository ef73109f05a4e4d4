package dev.caravan.batches;

/**
 * One step of an item's work (WEPPcloud: fetch_dem, build_channels, ... run_wepp_watershed): its name,
 * the command template the batch runs for it, and whether it runs unless a directive turns it off.
 */
public record Task(String name, String command, boolean enabledByDefault) {
}
