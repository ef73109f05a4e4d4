package dev.caravan.bench;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;

import java.util.Set;

/**
 * The {@code bench} backend kind: no work is run anywhere. Found by {@link java.util.ServiceLoader} through
 * {@code bench/src/META-INF/services/dev.caravan.backend.BackendFactory} (copied next to the classes).
 */
public final class BenchBackendFactory implements BackendFactory {

    public static final String KIND = "bench";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of();
    }

    @Override
    public void validate(Environment env) {
    }

    @Override
    public Backend create(Environment env, BackendContext context) {
        return new BenchBackend(env.name());
    }
}
