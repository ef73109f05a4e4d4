package dev.caravan.batches.template;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.batches.BatchInputException;

/**
 * A stored template validation: enough to tell, before a batch runs, whether it still holds for the
 * resource as it is now (WEPPcloud refuses to run on a changed GeoJSON or an invalid template).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ValidationStamp(String template, String templateHash, String resourceChecksum, String validationHash,
        boolean isValid) {

    public static final String STALE = "the GeoJSON has changed since the template was validated; validate again";

    /** True when this validation was made for a resource with this checksum and found the template valid. */
    public boolean holdsFor(String currentResourceChecksum) {
        return isValid && template != null && currentResourceChecksum != null
                && currentResourceChecksum.equals(resourceChecksum)
                && RunIdValidator.validationHash(template, currentResourceChecksum).equals(validationHash);
    }

    /** Throws, naming the field {@code template}, unless {@link #holdsFor} the current resource. */
    public void requireCurrent(String currentResourceChecksum) {
        if (!isValid) {
            throw BatchInputException.field("template", "the run-id template's last validation found errors or"
                    + " duplicate run ids; fix the template and validate again");
        }
        if (!holdsFor(currentResourceChecksum)) {
            throw BatchInputException.field("template", STALE);
        }
    }
}
