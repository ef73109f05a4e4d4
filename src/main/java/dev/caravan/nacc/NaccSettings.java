package dev.caravan.nacc;

import dev.caravan.backend.flywheel.FlywheelBackendFactory;
import dev.caravan.settings.ConfigException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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
        Function<String, String> get = k -> resolve.apply(k).map(String::trim).orElse(DEFAULTS.get(k));
        String env = get.apply(ENV);
        String cron = get.apply(CRON);
        try {
            new org.quartz.CronExpression(cron);
        } catch (java.text.ParseException e) {
            throw new ConfigException(CRON, "'" + cron + "' is not a Quartz cron expression: " + e.getMessage()
                    + " (six or seven fields, seconds first: '" + DEFAULT_CRON + "')");
        }
        String file = get.apply(BATCH_CONFIGS_FILE);
        if (!env.isEmpty() && file.isEmpty()) {
            throw new ConfigException(BATCH_CONFIGS_FILE, "missing: the batch run configs JSON file (source, target,"
                    + " batch_mode, batch_size, gear_name, gear_configs) is required when " + ENV + " is set");
        }
        String admin = get.apply(ADMIN_GROUP);
        if (admin.isEmpty()) {
            throw new ConfigException(ADMIN_GROUP, "must not be empty (the group whose metadata project lists the centers)");
        }
        List<String> include = list(get.apply(INCLUDE_CENTERS));
        List<String> exclude = list(get.apply(EXCLUDE_CENTERS));
        List<String> studies = list(get.apply(EXCLUDE_STUDIES));
        try {
            CenterFilter.checkExclusive(include, exclude, studies);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(INCLUDE_CENTERS, e.getMessage());
        }
        int interval;
        String iv = get.apply(TIME_INTERVAL);
        try {
            interval = Integer.parseInt(iv);
        } catch (NumberFormatException e) {
            throw new ConfigException(TIME_INTERVAL, "'" + iv + "' is not a whole number of days (-1 turns the check off)");
        }
        Duration status;
        try {
            status = FlywheelBackendFactory.duration(STATUS_INTERVAL, get.apply(STATUS_INTERVAL));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(STATUS_INTERVAL, e.getMessage().substring(e.getMessage().indexOf(':') + 1).trim());
        }
        if (status.isZero() || status.isNegative()) {
            throw new ConfigException(STATUS_INTERVAL, "must be more than 0");
        }
        String prefix = get.apply(APIKEY_PATH_PREFIX);
        return new NaccSettings(env, cron, file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file)), admin,
                include, exclude, studies, interval, bool(RETRY_JOBS, get.apply(RETRY_JOBS)),
                bool(DRY_RUN, get.apply(DRY_RUN)), prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix,
                status);
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
        String backend = resolve.apply(p + "backend").map(String::trim).orElse("");
        if (backend.isEmpty()) {
            throw new ConfigException(ENV, "names environment '" + env + "', which is not configured (no " + p + "backend)");
        }
        if (!backend.equals(FlywheelBackendFactory.KIND)) {
            throw new ConfigException(ENV, "names environment '" + env + "', whose backend is " + backend
                    + "; NACC center batches run on a " + FlywheelBackendFactory.KIND + " environment");
        }
        String barrier = resolve.apply(p + "batch-barrier").map(String::trim).orElse("false");
        if (!barrier.equalsIgnoreCase("true")) {
            throw new ConfigException(p + "batch-barrier", "must be true for the NACC environment (set "
                    + p + "batch-barrier = true): a batch of centers starts only when the one before it has ended");
        }
        if (resolve.apply(p + FlywheelBackendFactory.API_KEY).map(String::isBlank).orElse(true)) {
            throw new ConfigException(p + FlywheelBackendFactory.API_KEY, "missing: the Flywheel API key, as the key,"
                    + " {{env:VAR}}, or {{ssm:" + apikeyPathPrefix + "/apikey}} (" + APIKEY_PATH_PREFIX + " + /apikey)");
        }
    }

    private static boolean bool(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "'" + value + "' is not true or false");
        };
    }

    /** A comma list, trimmed and lower-cased, empty items dropped. */
    static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }
}
