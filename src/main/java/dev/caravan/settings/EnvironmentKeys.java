package dev.caravan.settings;

import dev.caravan.model.Environment;
import dev.caravan.model.RunMarker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The keys every environment has, whatever its backend: {@code caravan.env.<name>.backend}, {@code max-parallel-runs},
 * {@code excessive-failure-threshold}, {@code submit-interval}, {@code submit-rate}, {@code batch-barrier}. Reads one
 * environment (its kind's own keys checked by the kind) and gives the common values typed.
 */
public final class EnvironmentKeys {

    public static final String BACKEND = "backend";
    public static final String MAX_PARALLEL_RUNS = "max-parallel-runs";
    public static final String EXCESSIVE_FAILURE_THRESHOLD = "excessive-failure-threshold";
    public static final String SUBMIT_INTERVAL = "submit-interval";
    public static final String SUBMIT_RATE = "submit-rate";
    public static final String BATCH_BARRIER = "batch-barrier";
    public static final String POLL_INTERVAL = "poll-interval";

    public static final Set<String> COMMON = Set.of(BACKEND, MAX_PARALLEL_RUNS, EXCESSIVE_FAILURE_THRESHOLD,
            SUBMIT_INTERVAL, SUBMIT_RATE, BATCH_BARRIER, POLL_INTERVAL);

    private EnvironmentKeys() {
    }

    /** Reads and checks environment {@code name} from every key under its prefix. */
    static Environment read(String name, Set<String> keys, Function<String, Optional<String>> resolve,
                            Map<String, ? extends EnvironmentKind> kinds) {
        String p = CaravanSettings.ENV_PREFIX + name + ".";
        if (!RunMarker.isValidEnvName(name)) {
            throw new ConfigException(p + BACKEND, "environment name '" + name + "' must be letters, digits, '_' or '-'");
        }
        SettingsReader raw = new SettingsReader(p, sub -> resolve.apply(p + sub));
        String kind = raw.string(BACKEND, "");
        EnvironmentKind k = kinds.get(kind);
        if (k == null) {
            throw raw.bad(BACKEND, kind.isEmpty() ? "missing (one of " + kinds.keySet() + ")"
                    : "unknown backend '" + kind + "' (one of " + kinds.keySet() + ")");
        }
        Map<String, String> settings = new TreeMap<>();
        for (String key : keys) {
            if (key.startsWith(p)) {
                String sub = key.substring(p.length());
                if (!COMMON.contains(sub) && !k.settingKeys().contains(sub)) {
                    List<String> known = new ArrayList<>(COMMON);
                    known.addAll(k.settingKeys());
                    throw new ConfigException(key, "unknown setting for a " + kind + " environment (known: "
                            + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
                }
                settings.put(sub, resolve.apply(key).orElse(""));
            }
        }
        Environment env = new Environment(name, kind, raw.integer(MAX_PARALLEL_RUNS, 1, 1),
                raw.integer(EXCESSIVE_FAILURE_THRESHOLD, 10, 0), settings);
        submitInterval(env);
        submitRate(env);
        batchBarrier(env);
        pollInterval(env, k);
        k.validate(env);
        return env;
    }

    /** Pause between two submissions on this environment ({@code 0s}: none). */
    public static Duration submitInterval(Environment env) {
        return SettingsReader.of(env).duration(SUBMIT_INTERVAL, "0s", SettingsReader.Bound.NOT_NEGATIVE);
    }

    /** Submissions per second on this environment; empty when not set (the kind's default applies). */
    public static Optional<Integer> submitRate(Environment env) {
        SettingsReader r = SettingsReader.of(env);
        return r.optional(SUBMIT_RATE).map(v -> r.integer(SUBMIT_RATE, 0, 0));
    }

    /**
     * How often the cycles of this environment ask its backend about the runs in flight, whatever else requests
     * cycles; {@code 0s}: in every cycle. Unset: the kind's own default ({@link EnvironmentKind#defaultPollInterval}).
     */
    public static Duration pollInterval(Environment env, EnvironmentKind kind) {
        return SettingsReader.of(env).duration(POLL_INTERVAL, kind.defaultPollInterval().toMillis() + "ms",
                SettingsReader.Bound.NOT_NEGATIVE);
    }

    /** Release batch by batch: the next batch only when every job of the current one has ended. */
    public static boolean batchBarrier(Environment env) {
        return SettingsReader.of(env).bool(BATCH_BARRIER, false);
    }
}
