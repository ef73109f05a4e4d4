package dev.caravan.settings;

import dev.caravan.model.Environment;

import java.time.Duration;
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

    /**
     * How often a cycle asks this kind's service about runs in flight when {@code caravan.env.<name>.poll-interval}
     * is not set; {@link Duration#ZERO}: in every cycle (a backend whose poll costs no remote call).
     */
    default Duration defaultPollInterval() {
        return Duration.ZERO;
    }
}
