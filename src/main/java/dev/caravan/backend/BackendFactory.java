package dev.caravan.backend;

import dev.caravan.model.Environment;

import java.util.Set;

/**
 * Makes the backend of one kind ({@code local}, {@code wes}, ...). Found with {@link java.util.ServiceLoader},
 * so a new kind is a new package plus one line in {@code META-INF/services}.
 */
public interface BackendFactory {

    /** The value of {@code caravan.env.<name>.backend} this factory answers to. */
    String kind();

    /** Keys this kind accepts under {@code caravan.env.<name>.}, beyond the common ones. */
    Set<String> settingKeys();

    /** Checks the environment's settings; the message names the full key. Called before anything starts. */
    void validate(Environment env) throws IllegalArgumentException;

    Backend create(Environment env, BackendContext context);

    /**
     * Submissions per second when {@code caravan.env.<name>.submit-rate} is not set ({@code 0}: no limit). AWS Batch
     * answers 50: its fixed SubmitJob rate per account.
     */
    default int defaultSubmitRate() {
        return 0;
    }
}
