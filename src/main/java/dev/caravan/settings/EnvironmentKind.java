package dev.caravan.settings;

import dev.caravan.model.Environment;

import java.util.Set;

/**
 * The settings section of one backend kind: the keys it adds under {@code caravan.env.<name>.} and how it checks them.
 * Each backend's factory is one; settings knows them only through this, so it never depends on a backend.
 */
public interface EnvironmentKind {

    /** The value of {@code caravan.env.<name>.backend} this kind answers to. */
    String kind();

    /** Keys this kind accepts under {@code caravan.env.<name>.}, beyond {@link EnvironmentKeys#COMMON}. */
    Set<String> settingKeys();

    /**
     * Checks the environment's own keys, reading them through {@link SettingsReader#of(Environment)}; a problem is a
     * {@link ConfigException} naming the full key. Called before anything starts.
     */
    void validate(Environment env);
}
