package dev.caravan.batches.rows;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * What a rows upload is shown back as, the GeoJSON analysis without geometry: {@code format} (csv, json, jsonl),
 * {@code row_count}, {@code columns} in the order they first appear, {@code attribute_schema} with the GeoJSON
 * analysis's type names (null, boolean, integer, number, string, array, object, or mixed when rows differ; a
 * column some rows lack keeps the type of the rows that have it), the first 5 {@code sample_rows},
 * {@code checksum} (sha256 of the upload) and {@code size_bytes}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RowsAnalysis(String format, int rowCount, List<String> columns, Map<String, String> attributeSchema,
        List<Sample> sampleRows, String checksum, long sizeBytes) {

    /** One row, with where it is in the upload. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Sample(int index, String where, Map<String, Object> row) {
    }

    public static RowsAnalysis of(RowsResource r) {
        Map<String, String> schema = dev.caravan.batches.geojson.GeoJsonAnalyzer.attributeSchema(r.rows());
        List<Sample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < r.rows().size() && i < dev.caravan.batches.geojson.GeoJsonAnalyzer.SAMPLES; i++) {
            samples.add(new Sample(i, r.where().get(i), r.rows().get(i)));
        }
        return new RowsAnalysis(r.format().label(), r.rows().size(), List.copyOf(schema.keySet()), schema, samples,
                r.checksum(), r.sizeBytes());
    }
}
