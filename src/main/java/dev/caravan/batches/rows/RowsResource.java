package dev.caravan.batches.rows;

import java.util.List;
import java.util.Map;

/**
 * An uploaded CSV, JSON array of objects or JSON-lines file as a batch's resource: one item per row. Each row holds
 * the values Python's json module (CSV: strings only, as {@code import} reads them) would make, in input order;
 * {@code where} says where each row is in the upload ("line 5", "element [2] (line 7)"). {@code checksum} is the
 * sha256 of the uploaded bytes, {@code sizeBytes} their number.
 */
public record RowsResource(RowsFormat format, List<Map<String, Object>> rows, List<String> where, String checksum,
        long sizeBytes) {
}
