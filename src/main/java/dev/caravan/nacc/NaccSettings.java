package dev.caravan.nacc;

import dev.caravan.backend.flywheel.FlywheelBackendFactory;
import dev.caravan.settings.ConfigException;
import dev.caravan.settings.EnvironmentKeys;
import dev.caravan.settings.SettingsReader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code caravan.nacc.*} settings: when the center batch route runs, where it submits, and the NACC batch
 * scheduler gear's own options under the same names with dashes. Defaults are the gear manifest's
 * ({@code dry_run} false, {@code apikey_path_prefix} /prod/flywheel/gearbot, {@code admin_group} nacc,
 * {@code time_interval} 7, {@code retry_jobs} true).
 *
 * @param env              the flywheel environment jobs go to; empty means the NACC route is not there
 * @param includeCenters   lower-cased, trimmed; exclusive with the two exclude lists
 * @param timeInterval     days; 0 or less turns the check off (the gear's -1)
 * @param statusInterval   how often a running NACC run says "still running"
 */
public record NaccSettings(String env, String cron, Optional<Path> batchConfigsFile, String adminGroup,
                           List<String> includeCenters, List<String> excludeCenters, List<String> excludeStudies,
                           int timeInterval, boolean retryJobs, boolean dryRun, String apikeyPathPrefix,
                           Duration statusInterval) {

    public static final String PREFIX = "caravan.nacc.";
    public static final String ENV = PREFIX + "env";
    public static final String CRON = PREFIX + "cron";
    public static final String BATCH_CONFIGS_FILE = PREFIX + "batch-configs-file";
    public static final String ADMIN_GROUP = PREFIX + "admin-group";
    public static final String INCLUDE_CENTERS = PREFIX + "include-centers";
    public static final String EXCLUDE_CENTERS = PREFIX + "exclude-centers";
    public static final String EXCLUDE_STUDIES = PREFIX + "exclude-studies";
    public static final String TIME_INTERVAL = PREFIX + "time-interval";
    public static final String RETRY_JOBS = PREFIX + "retry-jobs";
    public static final String DRY_RUN = PREFIX + "dry-run";
    public static final String APIKEY_PATH_PREFIX = PREFIX + "apikey-path-prefix";
    public static final String STATUS_INTERVAL = PREFIX + "status-interval";

    /** Weekly, Monday 03:00: the gear's 7-day time_interval suggests a weekly run. Also the route's default. */
    public static final String DEFAULT_CRON = "0 0 3 ? * MON";

    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(ENV, "");
        d.put(CRON, DEFAULT_CRON);
        d.put(BATCH_CONFIGS_FILE, "");
        d.put(ADMIN_GROUP, "nacc");
        d.put(INCLUDE_CENTERS, "");
        d.put(EXCLUDE_CENTERS, "");
        d.put(EXCLUDE_STUDIES, "");
        d.put(TIME_INTERVAL, "7");
        d.put(RETRY_JOBS, "true");
        d.put(DRY_RUN, "false");
        d.put(APIKEY_PATH_PREFIX, "/prod/flywheel/gearbot");
        d.put(STATUS_INTERVAL, "30m");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    public static Map<String, String> defaults() {
        return DEFAULTS;
    }

    public boolean enabled() {
        return !env.isEmpty();
    }

    /** Reads and checks every key; a bad one is a {@link ConfigException} naming it. */
    public static NaccSettings read(Function<String, Optional<String>> resolve) {
        SettingsReader r = new SettingsReader("", resolve);
        String env = r.string(ENV, "");
        String cron = r.cron(CRON, DEFAULT_CRON, DEFAULT_CRON);
        String file = r.string(BATCH_CONFIGS_FILE, "");
        if (!env.isEmpty() && file.isEmpty()) {
            throw r.bad(BATCH_CONFIGS_FILE, "missing: the batch run configs JSON file (source, target,"
                    + " batch_mode, batch_size, gear_name, gear_configs) is required when " + ENV + " is set");
        }
        String admin = r.string(ADMIN_GROUP, DEFAULTS.get(ADMIN_GROUP));
        if (admin.isEmpty()) {
            throw r.bad(ADMIN_GROUP, "must not be empty (the group whose metadata project lists the centers)");
        }
        List<String> include = lower(r.list(INCLUDE_CENTERS));
        List<String> exclude = lower(r.list(EXCLUDE_CENTERS));
        List<String> studies = lower(r.list(EXCLUDE_STUDIES));
        try {
            CenterFilter.checkExclusive(include, exclude, studies);
        } catch (IllegalArgumentException e) {
            throw r.bad(INCLUDE_CENTERS, e.getMessage());
        }
        int interval = r.integer(TIME_INTERVAL, 7);
        Duration status = r.duration(STATUS_INTERVAL, DEFAULTS.get(STATUS_INTERVAL), SettingsReader.Bound.POSITIVE);
        String prefix = r.string(APIKEY_PATH_PREFIX, DEFAULTS.get(APIKEY_PATH_PREFIX));
        return new NaccSettings(env, cron, file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)), admin,
                include, exclude, studies, interval, r.bool(RETRY_JOBS, true), r.bool(DRY_RUN, false),
                prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix, status);
    }

    /**
     * The environment named by {@code caravan.nacc.env} must be a flywheel one with the batch barrier on: NACC
     * releases one batch of centers at a time. Checked on the raw settings, before the environments are built.
     */
    public void checkEnvironment(Function<String, Optional<String>> resolve) {
        if (!enabled()) {
            return;
        }
        String p = "caravan.env." + env + ".";
        SettingsReader r = new SettingsReader(p, k -> resolve.apply(p + k));
        String backend = r.string(EnvironmentKeys.BACKEND, "");
        if (backend.isEmpty()) {
            throw new ConfigException(ENV, "names environment '" + env + "', which is not configured (no " + p + "backend)");
        }
        if (!backend.equals(FlywheelBackendFactory.KIND)) {
            throw new ConfigException(ENV, "names environment '" + env + "', whose backend is " + backend
                    + "; NACC center batches run on a " + FlywheelBackendFactory.KIND + " environment");
        }
        if (!r.bool(EnvironmentKeys.BATCH_BARRIER, false)) {
            throw r.bad(EnvironmentKeys.BATCH_BARRIER, "must be true for the NACC environment (set "
                    + p + "batch-barrier = true): a batch of centers starts only when the one before it has ended");
        }
        if (resolve.apply(p + FlywheelBackendFactory.API_KEY).map(String::isBlank).orElse(true)) {
            throw new ConfigException(p + FlywheelBackendFactory.API_KEY, "missing: the Flywheel API key, as the key,"
                    + " {{env:VAR}}, or {{ssm:" + apikeyPathPrefix + "/apikey}} (" + APIKEY_PATH_PREFIX + " + /apikey)");
        }
    }

    /** A comma list lower-cased, as the gear compared group ids. */
    private static List<String> lower(List<String> items) {
        return items.stream().map(x -> x.toLowerCase(Locale.ROOT)).toList();
    }

    /** A comma list as the settings give it: trimmed, lower-cased, empty items dropped. */
    static List<String> list(String csv) {
        return lower(new SettingsReader("", k -> Optional.of(csv)).list("list"));
    }
}
