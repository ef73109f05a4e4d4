package dev.caravan.camel;

import dev.caravan.settings.SettingsReader;
import dev.caravan.settings.SettingsSection;
import org.apache.camel.spi.PropertiesComponent;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code caravan.health.*}: {@code caravan.health.max-cycle-age}, how long the leader may go without finishing a
 * cycle before {@code /observe/health} goes DOWN (default: twice the cron interval, at least 5m).
 */
public final class HealthSettings implements SettingsSection {

    public static final String PREFIX = "caravan.health.";
    public static final String MAX_CYCLE_AGE = PREFIX + "max-cycle-age";

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public Set<String> keys() {
        return Set.of(MAX_CYCLE_AGE);
    }

    static Optional<Duration> maxCycleAge(PropertiesComponent pc) {
        SettingsReader r = new SettingsReader("", pc::resolveProperty);
        return r.optional(MAX_CYCLE_AGE).filter(v -> !v.isBlank())
                .map(v -> r.duration(MAX_CYCLE_AGE, v, SettingsReader.Bound.POSITIVE));
    }
}
