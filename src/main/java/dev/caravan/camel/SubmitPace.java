package dev.caravan.camel;

import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;
import dev.caravan.settings.EnvironmentKeys;

import java.time.Duration;
import java.util.Optional;

/** How fast an environment may take submissions: N requests per period, or unlimited. */
record SubmitPace(long requests, long periodMillis) {

    static SubmitPace of(Environment env) {
        Duration interval = EnvironmentKeys.submitInterval(env);
        if (!interval.isZero()) {
            return new SubmitPace(1, interval.toMillis());
        }
        int rate = EnvironmentKeys.submitRate(env).orElseGet(() -> Optional.ofNullable(Backends.factories()
                .get(env.backend())).map(BackendFactory::defaultSubmitRate).orElse(0));
        return rate > 0 ? new SubmitPace(rate, 1000) : new SubmitPace(0, 0);
    }

    boolean limited() {
        return requests > 0;
    }
}
