package dev.caravan.model;

import java.util.Map;
import java.util.Optional;

/**
 * A named place where jobs run. The common knobs are typed; everything a backend kind adds
 * ({@code command}, {@code url}, ...) stays in {@code settings}, keyed without the
 * {@code caravan.env.<name>.} prefix.
 */
public record Environment(String name, String backend, int maxParallelRuns, int excessiveFailureThreshold,
                          Map<String, String> settings) {

    public Environment {
        if (!RunMarker.isValidEnvName(name)) {
            throw new IllegalArgumentException("environment name '" + name + "' must be letters, digits, '_' or '-'");
        }
        settings = Map.copyOf(settings);
    }

    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
    }
}
