package dev.caravan.settings;

import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;
import dev.caravan.model.RunMarker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every {@code caravan.*} setting, read once and checked before anything starts: an unknown key or a bad
 * value stops start-up with a message naming the key.
 */
public record CaravanSettings(
        Path trackingDir,
        String trackingRemote,
        String trackingBranch,
        String adminBranch,
        Duration pushInterval,
        Optional<Path> trackingSeed,
        Path workDir,
        String cycleCron,
        boolean triggersEnabled,
        String slackWebhookUrl,
        String slackChannel,
        Duration slackMinInterval,
        List<String> groupsPriority,
        Set<String> groupsExclude,
        Map<String, Environment> environments) {

    public static final String PREFIX = "caravan.";
    public static final String ENV_PREFIX = "caravan.env.";

    /** Key → default value; {@code null} default means "no default, may be empty". */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("caravan.tracking.dir", "data/tracking");
        KEYS.put("caravan.tracking.remote", "");
        KEYS.put("caravan.tracking.branch", "scheduler");
        KEYS.put("caravan.tracking.admin-branch", "main");
        KEYS.put("caravan.tracking.push-interval", "3h");
        KEYS.put("caravan.tracking.seed", "");
        KEYS.put("caravan.work.dir", "work");
        KEYS.put("caravan.cycle.cron", "0 0/20 * * * ?");
        KEYS.put("caravan.triggers.enabled", "true");
        KEYS.put("caravan.slack.webhook-url", "");
        KEYS.put("caravan.slack.channel", "#caravan");
        KEYS.put("caravan.slack.min-interval-ms", "1000");
        KEYS.put("caravan.groups.priority", "");
        KEYS.put("caravan.groups.exclude", "");
    }

    /** Keys every environment has, whatever its backend. */
    static final Set<String> COMMON_ENV_KEYS = Set.of("backend", "max-parallel-runs", "excessive-failure-threshold",
            "submit-interval", "submit-rate", "batch-barrier");

    public static Map<String, String> defaults() {
        return java.util.Collections.unmodifiableMap(KEYS);
    }

    /**
     * @param keys     every caravan.* key present in any property source
     * @param resolve  the value of a key after all overrides (system properties, environment), empty if unset
     */
    public static CaravanSettings read(Set<String> keys, Function<String, Optional<String>> resolve,
                                       Map<String, BackendFactory> backends) {
        Set<String> envNames = new TreeSet<>();
        List<SettingsSection> sections = new ArrayList<>();
        java.util.ServiceLoader.load(SettingsSection.class).forEach(sections::add);
        for (String k : keys) {
            if (!k.startsWith(PREFIX)) {
                continue;
            }
            if (k.startsWith(ENV_PREFIX)) {
                String rest = k.substring(ENV_PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    throw new ConfigException(k, "environment settings are caravan.env.<name>.<key>");
                }
                envNames.add(rest.substring(0, dot));
            } else if (!KEYS.containsKey(k)) {
                Optional<SettingsSection> owner = sections.stream().filter(x -> k.startsWith(x.prefix())).findFirst();
                if (owner.isEmpty()) {
                    throw new ConfigException(k, "unknown setting (known: " + String.join(", ", KEYS.keySet())
                            + ", caravan.env.<name>.<key>"
                            + sections.stream().map(x -> ", " + x.prefix() + "*").collect(Collectors.joining()) + ")");
                }
                if (!owner.get().keys().contains(k)) {
                    throw new ConfigException(k, "unknown setting (known under " + owner.get().prefix() + ": "
                            + String.join(", ", new TreeSet<>(owner.get().keys())) + ")");
                }
            }
        }
        Function<String, String> get = k -> resolve.apply(k).map(String::trim).orElse(KEYS.getOrDefault(k, ""));

        Map<String, Environment> envs = new TreeMap<>();
        for (String name : envNames) {
            envs.put(name, environment(name, keys, resolve, backends));
        }
        String seed = get.apply("caravan.tracking.seed");
        String branch = nonBlank("caravan.tracking.branch", get.apply("caravan.tracking.branch"));
        String admin = nonBlank("caravan.tracking.admin-branch", get.apply("caravan.tracking.admin-branch"));
        if (branch.equals(admin)) {
            throw new ConfigException("caravan.tracking.branch", "must differ from caravan.tracking.admin-branch ('"
                    + admin + "'): operators own the admin branch");
        }
        Duration push = Durations.parse("caravan.tracking.push-interval", get.apply("caravan.tracking.push-interval"));
        if (push.isNegative()) {
            throw new ConfigException("caravan.tracking.push-interval", "must not be negative");
        }
        String cron = nonBlank("caravan.cycle.cron", get.apply("caravan.cycle.cron"));
        validateCron(cron);
        return new CaravanSettings(
                Path.of(nonBlank("caravan.tracking.dir", get.apply("caravan.tracking.dir"))),
                get.apply("caravan.tracking.remote"),
                branch,
                admin,
                push,
                seed.isBlank() ? Optional.empty() : Optional.of(Path.of(seed)),
                Path.of(nonBlank("caravan.work.dir", get.apply("caravan.work.dir"))),
                cron,
                bool("caravan.triggers.enabled", get.apply("caravan.triggers.enabled")),
                get.apply("caravan.slack.webhook-url"),
                get.apply("caravan.slack.channel"),
                Duration.ofMillis(positiveInt("caravan.slack.min-interval-ms", get.apply("caravan.slack.min-interval-ms"), 0)),
                list(get.apply("caravan.groups.priority")),
                new LinkedHashSet<>(list(get.apply("caravan.groups.exclude"))),
                envs);
    }

    private static Environment environment(String name, Set<String> keys, Function<String, Optional<String>> resolve,
                                           Map<String, BackendFactory> backends) {
        String p = ENV_PREFIX + name + ".";
        if (!RunMarker.isValidEnvName(name)) {
            throw new ConfigException(p + "backend", "environment name '" + name + "' must be letters, digits, '_' or '-'");
        }
        String kind = resolve.apply(p + "backend").map(String::trim).orElse("");
        BackendFactory factory = backends.get(kind);
        if (factory == null) {
            throw new ConfigException(p + "backend", kind.isEmpty() ? "missing (one of " + backends.keySet() + ")"
                    : "unknown backend '" + kind + "' (one of " + backends.keySet() + ")");
        }
        Map<String, String> settings = new TreeMap<>();
        for (String k : keys) {
            if (k.startsWith(p)) {
                String sub = k.substring(p.length());
                if (!COMMON_ENV_KEYS.contains(sub) && !factory.settingKeys().contains(sub)) {
                    List<String> known = new ArrayList<>(COMMON_ENV_KEYS);
                    known.addAll(factory.settingKeys());
                    throw new ConfigException(k, "unknown setting for a " + kind + " environment (known: "
                            + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
                }
                settings.put(sub, resolve.apply(k).orElse(""));
            }
        }
        int maxRuns = positiveInt(p + "max-parallel-runs", resolve.apply(p + "max-parallel-runs").orElse("1"), 1);
        int threshold = positiveInt(p + "excessive-failure-threshold",
                resolve.apply(p + "excessive-failure-threshold").orElse("10"), 0);
        Environment env = new Environment(name, kind, maxRuns, threshold, settings);
        submitInterval(env);
        submitRate(env);
        batchBarrier(env);
        try {
            factory.validate(env);
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            // backends name the key first ("caravan.env.x.url: ..." or "caravan.env.x.url is ..."): keep it as the key
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(" + java.util.regex.Pattern.quote(p)
                    + "[A-Za-z0-9_.-]*[A-Za-z0-9_-])(?::\\s*|\\s+)(.*)$", java.util.regex.Pattern.DOTALL).matcher(msg);
            if (m.matches()) {
                throw new ConfigException(m.group(1), m.group(2));
            }
            throw new ConfigException(p + "backend", msg);
        }
        return env;
    }

    /** Pause between two submissions on this environment ({@code 0s}: none). */
    public static Duration submitInterval(Environment env) {
        String key = ENV_PREFIX + env.name() + ".submit-interval";
        Duration d = Durations.parse(key, env.setting("submit-interval").orElse("0s"));
        if (d.isNegative()) {
            throw new ConfigException(key, "must not be negative");
        }
        return d;
    }

    /** Release batch by batch: the next batch only when every job of the current one has ended. */
    public static boolean batchBarrier(Environment env) {
        return bool(ENV_PREFIX + env.name() + ".batch-barrier", env.setting("batch-barrier").orElse("false"));
    }

    /** Submissions per second on this environment ({@code 0}: unlimited). */
    public static int submitRate(Environment env) {
        return positiveInt(ENV_PREFIX + env.name() + ".submit-rate", env.setting("submit-rate").orElse("0"), 0);
    }

    private static int positiveInt(String key, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min) {
                throw new ConfigException(key, "must be at least " + min + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + value + "' is not a whole number");
        }
    }

    private static boolean bool(String key, String value) {
        return switch (value.trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "'" + value + "' is not true or false");
        };
    }

    private static String nonBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "must not be empty");
        }
        return value.trim();
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static void validateCron(String cron) {
        try {
            new org.quartz.CronExpression(cron);
        } catch (java.text.ParseException e) {
            throw new ConfigException("caravan.cycle.cron", "'" + cron + "' is not a Quartz cron expression: "
                    + e.getMessage() + " (six or seven fields, seconds first: '0 0/20 * * * ?')");
        }
    }
}
