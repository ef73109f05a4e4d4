package dev.caravan.batches.rows;

import dev.caravan.batches.BatchInputException;

import java.util.Locale;
import java.util.Optional;

/**
 * Which format an upload is in, GeoJSON (empty) or rows, from what the caller says, first that wins: an explicit
 * {@code format} ({@code geojson}, {@code csv}, {@code json}, {@code jsonl} or {@code ndjson}); a file name's ending
 * ({@code .geojson}, {@code .csv}, {@code .jsonl}, {@code .ndjson}; {@code .json} is looked into); the media type
 * ({@code application/geo+json}; {@code text/csv}; {@code application/x-ndjson}, {@code application/jsonl} and the
 * like). Anything else ({@code application/json}, none) is looked into: an upload whose first non-space character is
 * {@code [} is a JSON array of rows, any other is GeoJSON, as before rows existed.
 */
public final class UploadFormat {

    private UploadFormat() {
    }

    public static Optional<RowsFormat> choose(String format, String fileName, String contentType, byte[] bytes) {
        if (format != null && !format.isBlank()) {
            return switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "geojson" -> Optional.empty();
                case "csv" -> Optional.of(RowsFormat.CSV);
                case "json" -> Optional.of(RowsFormat.JSON);
                case "jsonl", "ndjson" -> Optional.of(RowsFormat.JSON_LINES);
                default -> throw BatchInputException.field("format", "format must be geojson, csv, json, jsonl or"
                        + " ndjson, not '" + dev.caravan.batches.BatchNames.printable(format) + "'");
            };
        }
        if (fileName != null && !fileName.isBlank()) {
            String n = fileName.toLowerCase(Locale.ROOT);
            if (n.endsWith(".geojson")) {
                return Optional.empty();
            }
            Optional<RowsFormat> f = RowsFormat.ofFileName(n);
            if (f.isPresent() && f.get() != RowsFormat.JSON) {
                return f;
            }
            if (f.isPresent()) {
                return sniff(bytes);
            }
        }
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/geo+json", "application/vnd.geo+json" -> Optional.empty();
            case "text/csv", "application/csv" -> Optional.of(RowsFormat.CSV);
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
                 "application/jsonlines", "application/x-jsonlines", "application/json-lines" ->
                    Optional.of(RowsFormat.JSON_LINES);
            default -> sniff(bytes);
        };
    }

    /** '[' starts a JSON array of rows; anything else is read as GeoJSON (and refused with its messages if it is not). */
    private static Optional<RowsFormat> sniff(byte[] bytes) {
        int i = 0;
        // a UTF-8 byte-order mark is skipped as the readers skip it
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            i = 3;
        }
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
            i++;
        }
        return i < bytes.length && bytes[i] == '[' ? Optional.of(RowsFormat.JSON) : Optional.empty();
    }
}
