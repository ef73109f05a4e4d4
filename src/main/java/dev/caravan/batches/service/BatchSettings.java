package dev.caravan.batches.service;

import dev.caravan.batches.Task;
import dev.caravan.batches.TaskList;
import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.export.SlurmResources;
import dev.caravan.batches.geojson.GeoJsonReader;
import dev.caravan.settings.ConfigException;
import dev.caravan.settings.SettingsReader;
import dev.caravan.settings.SettingsSection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code caravan.batches.*} settings: where items work ({@code work-dir}), the upload limit
 * ({@code max-upload}, bytes), the commands an exported script runs first ({@code prefix-commands}, separated by
 * {@code ;;}), how often schedules are checked ({@code schedule-check}), the configuration a new batch gets when it
 * names none ({@code default-config}) and the named configurations ({@code config.<name>.*}).
 */
public record BatchSettings(Path workDir, long maxUpload, List<String> prefixCommands, Duration scheduleCheck,
                            String defaultConfig, Map<String, BatchConfig> configs) {

    public static final String PREFIX = "caravan.batches.";
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
    static final List<String> CONFIG_KEYS = List.of("environment", "tasks", "base", "scratch", "order-by", "parallel",
            "partition", "time", "cpus", "mem");
    private static final Pattern CONFIG_KEY = Pattern.compile(Pattern.quote(PREFIX)
            + "config\\.([A-Za-z0-9][A-Za-z0-9_-]*)\\.(?:task\\.([A-Za-z0-9][A-Za-z0-9._-]*)\\.(command|enabled)|([a-z-]+))");

    static {
        DEFAULTS.put(PREFIX + "work-dir", "batches");
        DEFAULTS.put(PREFIX + "max-upload", Long.toString(GeoJsonReader.DEFAULT_MAX_UPLOAD));
        DEFAULTS.put(PREFIX + "prefix-commands", "");
        DEFAULTS.put(PREFIX + "schedule-check", "5s");
        DEFAULTS.put(PREFIX + "default-config", "");
    }

    /** Key → default, for the routes' placeholders. */
    public static Map<String, String> defaults() {
        return java.util.Collections.unmodifiableMap(DEFAULTS);
    }

    /** Makes the keys known to the settings reader; found through META-INF/services. */
    public static final class Section implements SettingsSection {

        @Override
        public String prefix() {
            return PREFIX;
        }

        @Override
        public Set<String> keys() {
            return DEFAULTS.keySet();
        }

        @Override
        public boolean accepts(String key) {
            if (DEFAULTS.containsKey(key)) {
                return true;
            }
            Matcher m = CONFIG_KEY.matcher(key);
            return m.matches() && (m.group(2) != null || CONFIG_KEYS.contains(m.group(4)));
        }
    }

    /**
     * @param keys     every caravan.* key present
     * @param envNames the environments configured, so a configuration naming another stops start-up
     */
    public static BatchSettings read(Set<String> keys, Function<String, Optional<String>> resolve, Set<String> envNames) {
        SettingsReader r = new SettingsReader("", resolve);
        Map<String, BatchConfig> configs = new LinkedHashMap<>();
        Set<String> names = new TreeSet<>();
        for (String k : keys) {
            Matcher m = CONFIG_KEY.matcher(k);
            if (m.matches()) {
                names.add(m.group(1));
            }
        }
        for (String name : names) {
            configs.put(name, config(r, name, envNames));
        }
        String dflt = r.string(PREFIX + "default-config", "");
        if (!dflt.isBlank() && !configs.containsKey(dflt)) {
            throw r.bad(PREFIX + "default-config", "names no configuration (configured: " + String.join(", ",
                    configs.keySet()) + ")");
        }
        if (dflt.isBlank() && !configs.isEmpty()) {
            dflt = configs.keySet().iterator().next();
        }
        String prefix = r.string(PREFIX + "prefix-commands", "");
        List<String> prefixCommands = new ArrayList<>();
        for (String c : prefix.split(";;")) {
            if (!c.isBlank()) {
                prefixCommands.add(c.strip());
            }
        }
        int maxUpload = r.integer(PREFIX + "max-upload", (int) GeoJsonReader.DEFAULT_MAX_UPLOAD, 1);
        return new BatchSettings(Path.of(r.nonBlank(PREFIX + "work-dir", DEFAULTS.get(PREFIX + "work-dir"))),
                maxUpload, List.copyOf(prefixCommands),
                r.duration(PREFIX + "schedule-check", "5s", SettingsReader.Bound.POSITIVE), dflt, Map.copyOf(configs));
    }

    private static BatchConfig config(SettingsReader r, String name, Set<String> envNames) {
        String p = PREFIX + "config." + name + ".";
        String env = r.required(p + "environment", "names the environment this configuration's items run on");
        if (!envNames.contains(env)) {
            throw r.bad(p + "environment", "names no environment (configured: " + String.join(", ", envNames) + ")");
        }
        List<String> taskNames = r.list(p + "tasks");
        if (taskNames.isEmpty()) {
            throw r.bad(p + "tasks", "lists no task; e.g. " + p + "tasks = fetch_dem,build_channels");
        }
        List<Task> tasks = new ArrayList<>();
        for (String t : taskNames) {
            String key = p + "task." + t + ".command";
            tasks.add(new Task(t, r.required(key, "is the command of task " + t), r.bool(p + "task." + t + ".enabled", true)));
        }
        TaskList list;
        try {
            list = TaskList.of(tasks);
        } catch (BatchInputException e) {
            throw new ConfigException(p + "tasks", e.getMessage());
        }
        String cpus = r.string(p + "cpus", "");
        return new BatchConfig(name, env, list, r.optional(p + "base").filter(s -> !s.isBlank()).map(BatchSettings::folder),
                r.optional(p + "scratch").filter(s -> !s.isBlank()).map(BatchSettings::folder),
                r.string(p + "order-by", ""), r.integer(p + "parallel", 0, 0),
                new SlurmResources(blankNull(r.string(p + "partition", "")), blankNull(r.string(p + "time", "")),
                        cpus.isBlank() ? null : r.integer(p + "cpus", 1, 1), blankNull(r.string(p + "mem", ""))));
    }

    private static Path folder(String s) {
        return Path.of(s).toAbsolutePath().normalize();
    }

    private static String blankNull(String s) {
        return s.isBlank() ? null : s;
    }
}
