package dev.caravan.settings;

import dev.caravan.model.Environment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        Duration alertReminderInterval,
        List<String> groupsPriority,
        Set<String> groupsExclude,
        Map<String, Environment> environments,
        CycleSources cycleSources) {

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
        KEYS.put("caravan.tracking.fetch-interval", "1m");
        KEYS.put("caravan.tracking.commit-min-interval", "250ms");
        KEYS.put("caravan.tracking.probe-interval", "200ms");
        KEYS.put("caravan.tracking.probe-timeout", "10s");
        KEYS.put("caravan.tracking.probe-wait", "500ms");
        KEYS.put("caravan.cycle.on-run-end", "true");
        KEYS.put("caravan.cycle.on-intake", "true");
        KEYS.put("caravan.triggers.enabled", "true");
        KEYS.put("caravan.slack.webhook-url", "");
        KEYS.put("caravan.slack.channel", "#caravan");
        KEYS.put("caravan.slack.min-interval-ms", "1000");
        KEYS.put("caravan.alerts.reminder-interval", "1h");
        KEYS.put("caravan.standby.refresh-interval", "30s");
        KEYS.put("caravan.groups.priority", "");
        KEYS.put("caravan.groups.exclude", "");
    }

    public static Map<String, String> defaults() {
        return java.util.Collections.unmodifiableMap(KEYS);
    }

    /**
     * @param keys    every caravan.* key present in any property source
     * @param resolve the value of a key after all overrides (system properties, environment), empty if unset
     * @param kinds   the backend kinds, by the name {@code caravan.env.<name>.backend} gives
     */
    public static CaravanSettings read(Set<String> keys, Function<String, Optional<String>> resolve,
                                       Map<String, ? extends EnvironmentKind> kinds) {
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
                if (!owner.get().accepts(k)) {
                    throw new ConfigException(k, "unknown setting (known under " + owner.get().prefix() + ": "
                            + String.join(", ", new TreeSet<>(owner.get().keys())) + ")");
                }
            }
        }
        Map<String, Environment> envs = new TreeMap<>();
        for (String name : envNames) {
            envs.put(name, EnvironmentKeys.read(name, keys, resolve, kinds));
        }
        SettingsReader r = new SettingsReader("", resolve);
        String seed = r.string("caravan.tracking.seed", "");
        String branch = r.nonBlank("caravan.tracking.branch", KEYS.get("caravan.tracking.branch"));
        String admin = r.nonBlank("caravan.tracking.admin-branch", KEYS.get("caravan.tracking.admin-branch"));
        if (branch.equals(admin)) {
            throw r.bad("caravan.tracking.branch", "must differ from caravan.tracking.admin-branch ('"
                    + admin + "'): operators own the admin branch");
        }
        Duration push = r.duration("caravan.tracking.push-interval", KEYS.get("caravan.tracking.push-interval"),
                SettingsReader.Bound.NOT_NEGATIVE);
        String cron = r.cron("caravan.cycle.cron", KEYS.get("caravan.cycle.cron"), KEYS.get("caravan.cycle.cron"));
        return new CaravanSettings(
                Path.of(r.nonBlank("caravan.tracking.dir", KEYS.get("caravan.tracking.dir"))),
                r.string("caravan.tracking.remote", ""),
                branch,
                admin,
                push,
                seed.isBlank() ? Optional.empty() : Optional.of(Path.of(seed)),
                Path.of(r.nonBlank("caravan.work.dir", KEYS.get("caravan.work.dir"))),
                cron,
                r.bool("caravan.triggers.enabled", true),
                r.string("caravan.slack.webhook-url", ""),
                r.string("caravan.slack.channel", KEYS.get("caravan.slack.channel")),
                Duration.ofMillis(r.integer("caravan.slack.min-interval-ms", 1000, 0)),
                r.duration("caravan.alerts.reminder-interval", KEYS.get("caravan.alerts.reminder-interval"),
                        SettingsReader.Bound.NOT_NEGATIVE),
                r.list("caravan.groups.priority"),
                new LinkedHashSet<>(r.list("caravan.groups.exclude")),
                envs,
                CycleSources.read(r, KEYS));
    }
}
