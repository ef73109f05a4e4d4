package dev.caravan.batches.rows;

import java.util.Locale;
import java.util.Optional;

/**
 * The formats a batch's items come from besides GeoJSON, each with the file name it is kept under in the batch
 * folder: that name's ending is how {@code import}'s reader ({@code intake.InputRows}) tells the formats apart.
 */
public enum RowsFormat {
    CSV("resource.csv"),
    /** A JSON array of objects (the upload starts with '['). */
    JSON("resource.json"),
    JSON_LINES("resource.jsonl");

    private final String file;

    RowsFormat(String file) {
        this.file = file;
    }

    /** The resource's file name in the batch folder. */
    public String file() {
        return file;
    }

    /** The format a kept resource file is in, by its name; empty for a GeoJSON resource. */
    public static Optional<RowsFormat> ofFile(String name) {
        for (RowsFormat f : values()) {
            if (f.file.equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** By a file name's ending as {@code import} reads it: .csv, .json, .jsonl or .ndjson; empty for anything else. */
    public static Optional<RowsFormat> ofFileName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return Optional.of(JSON_LINES);
        }
        if (n.endsWith(".json")) {
            return Optional.of(JSON);
        }
        return Optional.empty();
    }

    public String label() {
        return switch (this) {
            case CSV -> "csv";
            case JSON -> "json";
            case JSON_LINES -> "jsonl";
        };
    }
}
