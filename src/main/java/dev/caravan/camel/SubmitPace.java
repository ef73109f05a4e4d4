package dev.caravan.camel;

import dev.caravan.settings.CaravanSettings;
import dev.caravan.model.Environment;

import java.time.Duration;

/** How fast an environment may take submissions: N requests per period, or unlimited. */
record SubmitPace(long requests, long periodMillis) {

    static SubmitPace of(Environment env) {
        Duration interval = CaravanSettings.submitInterval(env);
        if (!interval.isZero()) {
            return new SubmitPace(1, interval.toMillis());
        }
        int rate = env.setting("submit-rate").isPresent() ? CaravanSettings.submitRate(env)
                : java.util.Optional.ofNullable(Backends.factories().get(env.backend()))
                        .map(dev.caravan.backend.BackendFactory::defaultSubmitRate).orElse(0);
        return rate > 0 ? new SubmitPace(rate, 1000) : new SubmitPace(0, 0);
    }

    boolean limited() {
        return requests > 0;
    }
}
