package dev.caravan.tracking;

import java.util.List;

/** A freshly read tree: its index and what was wrong with it (each warning names the file). */
public record ScanResult(JobIndex index, List<String> warnings) {
}
