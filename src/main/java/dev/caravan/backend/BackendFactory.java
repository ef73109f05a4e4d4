package dev.caravan.backend;

import dev.caravan.model.Environment;
import dev.caravan.settings.EnvironmentKind;

/**
 * Makes the backend of one kind ({@code local}, {@code wes}, ...). Found with {@link java.util.ServiceLoader},
 * so a new kind is a new package plus one line in {@code META-INF/services}. As an {@link EnvironmentKind} it
 * declares and checks its own keys under {@code caravan.env.<name>.}.
 */
public interface BackendFactory extends EnvironmentKind {

    Backend create(Environment env, BackendContext context);

    /**
     * Submissions per second when {@code caravan.env.<name>.submit-rate} is not set ({@code 0}: no limit). AWS Batch
     * answers 50: its fixed SubmitJob rate per account.
     */
    default int defaultSubmitRate() {
        return 0;
    }
}
