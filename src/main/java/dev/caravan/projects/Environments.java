package dev.caravan.projects;

import dev.caravan.model.Environment;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which configured environment a project runs on: one of kind {@code awsbatch}. */
public final class Environments {

    private final Map<String, Environment> all;
    private final String kind;

    /** @param kind the backend kind projects run on ({@code awsbatch}) */
    public Environments(Map<String, Environment> all, String kind) {
        this.all = all;
        this.kind = kind;
    }

    /** The environment named, else the only one of the kind; a {@link UsageProblem} says what is wrong. */
    public Environment awsBatch(Optional<String> name) {
        if (name.isPresent()) {
            Environment e = all.get(name.get());
            if (e == null) {
                throw new UsageProblem("no environment '" + name.get() + "' in the configuration (caravan.env."
                        + name.get() + ".backend = " + kind + ")");
            }
            if (!e.backend().equals(kind)) {
                throw new UsageProblem("environment '" + name.get() + "' is a " + e.backend() + " environment, not " + kind);
            }
            return e;
        }
        List<Environment> of = all.values().stream().filter(e -> e.backend().equals(kind)).toList();
        if (of.isEmpty()) {
            throw new UsageProblem("no " + kind + " environment in the configuration (caravan.env.<name>.backend = "
                    + kind + "); give --config FILE");
        }
        if (of.size() > 1) {
            throw new UsageProblem("several " + kind + " environments (" + String.join(", ", of.stream()
                    .map(Environment::name).toList()) + "): say which with --env NAME");
        }
        return of.get(0);
    }
}
