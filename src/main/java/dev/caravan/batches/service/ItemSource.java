package dev.caravan.batches.service;

import dev.caravan.batches.geojson.GeoJsonAnalyzer;
import dev.caravan.batches.geojson.GeoJsonResource;
import dev.caravan.batches.rows.RowsAnalysis;
import dev.caravan.batches.rows.RowsFormat;
import dev.caravan.batches.rows.RowsResource;
import dev.caravan.batches.template.RunIdValidation;
import dev.caravan.batches.template.RunIdValidator;

import java.util.List;
import java.util.Map;

/**
 * A batch's uploaded resource as its items see it, one item per GeoJSON feature or per row: what a run-id template
 * and {@code order_by} read ({@link #properties}), the file each item gets in its work folder ({@link #payload}),
 * and the resource's identity.
 */
sealed interface ItemSource {

    /** The item's file when a GeoJSON feature ran it; a row's is {@link #ROW_FILE}. */
    String FEATURE_FILE = "feature.geojson";
    String ROW_FILE = "row.json";

    int count();

    /** The feature's properties (an empty object when it has none), or the row. */
    Map<String, Object> properties(int index);

    /** What the item gets as {@link #payloadFile()} in its work folder: the feature, or the row. */
    Map<String, Object> payload(int index);

    /** The name of the resource file in the batch folder. */
    String file();

    String checksum();

    long sizeBytes();

    RunIdValidation validate(String template);

    /** What an upload is shown back as. */
    Object analysis();

    /** The file name an item of a batch whose resource is this file gets its payload as. */
    static String payloadFile(String resourceFile) {
        return resourceFile != null && RowsFormat.ofFile(resourceFile).isPresent() ? ROW_FILE : FEATURE_FILE;
    }

    record Features(GeoJsonResource resource) implements ItemSource {

        @Override
        public int count() {
            return resource.featureCount();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> properties(int index) {
            return resource.features().get(index).get("properties") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }

        @Override
        public Map<String, Object> payload(int index) {
            return resource.features().get(index);
        }

        @Override
        public String file() {
            return BatchService.RESOURCE_FILE;
        }

        @Override
        public String checksum() {
            return resource.checksum();
        }

        @Override
        public long sizeBytes() {
            return resource.sizeBytes();
        }

        @Override
        public RunIdValidation validate(String template) {
            return RunIdValidator.validate(template, resource.features(), resource.checksum());
        }

        @Override
        public Object analysis() {
            return GeoJsonAnalyzer.analyze(resource);
        }
    }

    record Rows(RowsResource resource) implements ItemSource {

        @Override
        public int count() {
            return resource.rows().size();
        }

        @Override
        public Map<String, Object> properties(int index) {
            return resource.rows().get(index);
        }

        @Override
        public Map<String, Object> payload(int index) {
            return resource.rows().get(index);
        }

        @Override
        public String file() {
            return resource.format().file();
        }

        @Override
        public String checksum() {
            return resource.checksum();
        }

        @Override
        public long sizeBytes() {
            return resource.sizeBytes();
        }

        @Override
        public RunIdValidation validate(String template) {
            return RunIdValidator.validateRows(template, resource.rows(), resource.checksum());
        }

        @Override
        public Object analysis() {
            return RowsAnalysis.of(resource);
        }
    }

    /** Every file name a resource may be kept under. */
    static List<String> files() {
        return List.of(BatchService.RESOURCE_FILE, RowsFormat.CSV.file(), RowsFormat.JSON.file(), RowsFormat.JSON_LINES.file());
    }
}
