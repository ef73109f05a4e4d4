package dev.caravan.batches.template;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The answer to validating a run-id template over every feature of a resource, shaped as WEPPcloud's:
 * {@code template, template_hash, resource_checksum, summary, errors, duplicates, preview,
 * validation_hash}. Lists are cut to their first entries (see {@link RunIdValidator}); {@link #runIds()}
 * holds every feature's run id (null where it failed) for making the items, and is not part of the JSON.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunIdValidation(String template, String templateHash, String resourceChecksum, Summary summary,
        List<FeatureError> errors, List<Duplicate> duplicates, List<Row> preview, String validationHash,
        @JsonIgnore List<String> runIds) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Summary(int totalFeatures, int errors, int duplicateRunIds, int uniqueRunIds, int validRunIds,
            boolean isValid) {
    }

    /** A feature whose run id could not be made or is not allowed; featureId is the feature's "id", if any. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FeatureError(int index, Object featureId, String error) {
    }

    /** A run id made by more than one feature: how many, and (the first of) their indexes. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Duplicate(String runId, int count, List<Integer> indexes) {
    }

    /** One feature's outcome: its run id, or null and the error. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Row(int index, Object featureId, String runId, String error) {
    }

    @JsonIgnore
    public boolean isValid() {
        return summary.isValid();
    }

    /** What a batch keeps of this validation to check, before running, that it still holds. */
    @JsonIgnore
    public ValidationStamp stamp() {
        return new ValidationStamp(template, templateHash, resourceChecksum, validationHash, summary.isValid());
    }
}
