package dev.caravan.settings;

import dev.caravan.model.Environment;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one way a {@code caravan.*} value becomes a typed value. Every problem is a {@link ConfigException} naming the
 * full key, so each section (core, an environment's backend, a capability) reads its keys here instead of parsing
 * text itself. A key that is unset or blank takes the default; {@link #nonBlank} refuses a blank one.
 */
public final class SettingsReader {

    private final String prefix;
    private final Function<String, Optional<String>> values;

    /**
     * @param prefix what makes a name given to the getters a full key ({@code ""} when they are full keys already,
     *               {@code caravan.env.<name>.} for an environment's own keys)
     * @param values the raw value of a name, after every override
     */
    public SettingsReader(String prefix, Function<String, Optional<String>> values) {
        this.prefix = prefix;
        this.values = values;
    }

    /** The keys of one environment, named without {@code caravan.env.<name>.}. */
    public static SettingsReader of(Environment env) {
        return new SettingsReader(CaravanSettings.ENV_PREFIX + env.name() + ".", env::setting);
    }

    /** The full key of a name, as messages say it. */
    public String key(String name) {
        return prefix + name;
    }

    /** A problem with a key, for the checks a section makes beyond the types. */
    public ConfigException bad(String name, String problem) {
        return new ConfigException(key(name), problem);
    }

    /** The trimmed value; empty when unset or blank. */
    public Optional<String> optional(String name) {
        return raw(name).filter(v -> !v.isEmpty());
    }

    /** The trimmed value ({@code ""} when set blank), or the default when unset. */
    public String string(String name, String dflt) {
        return raw(name).orElse(dflt);
    }

    /** As {@link #string}, refusing a blank value. */
    public String nonBlank(String name, String dflt) {
        String v = string(name, dflt);
        if (v.isEmpty()) {
            throw bad(name, "must not be empty");
        }
        return v;
    }

    /** @param missing what the key is for, said when it is unset: {@code "missing (" + missing + ")"} */
    public String required(String name, String missing) {
        return optional(name).orElseThrow(() -> bad(name, missing));
    }

    public boolean bool(String name, boolean dflt) {
        return optionalBool(name).orElse(dflt);
    }

    /** {@code true} or {@code false} in any case; empty when unset. */
    public Optional<Boolean> optionalBool(String name) {
        return optional(name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(name, "'" + v + "' is not true or false");
        });
    }

    /** A whole number of at least {@code min}. */
    public int integer(String name, int dflt, int min) {
        int n = integer(name, dflt);
        if (n < min) {
            throw bad(name, "must be at least " + min + ", was " + n);
        }
        return n;
    }

    /** A whole number from {@code min} to {@code max}. */
    public int integer(String name, int dflt, int min, int max) {
        int n = integer(name, dflt);
        if (n < min || n > max) {
            throw bad(name, "must be between " + min + " and " + max + ", was " + n);
        }
        return n;
    }

    /** Any whole number. */
    public int integer(String name, int dflt) {
        Optional<String> v = optional(name);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw bad(name, "'" + v.get() + "' is not a whole number");
        }
    }

    /** How a duration may be bounded. */
    public enum Bound {
        /** Zero or more. */
        NOT_NEGATIVE,
        /** More than zero. */
        POSITIVE
    }

    /** {@code 90s}, {@code 10m}, {@code 3h}, {@code 1d}, {@code 500ms} or ISO-8601 ({@code PT3H}); see {@link Durations}. */
    public Duration duration(String name, String dflt, Bound bound) {
        Duration d = Durations.parse(key(name), optional(name).orElse(dflt));
        if (d.isNegative()) {
            throw bad(name, "must not be negative");
        }
        if (bound == Bound.POSITIVE && d.isZero()) {
            throw bad(name, "must be more than zero");
        }
        return d;
    }

    /** A comma list, items trimmed, empty ones dropped. */
    public List<String> list(String name) {
        return Arrays.stream(string(name, "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** One of the named choices (compared in lower case); {@code what} names the kind of value in the message. */
    public <T> T oneOf(String name, T dflt, Map<String, T> choices, String what) {
        Optional<String> v = optional(name);
        if (v.isEmpty()) {
            return dflt;
        }
        T t = choices.get(v.get().toLowerCase(Locale.ROOT));
        if (t == null) {
            throw bad(name, "'" + v.get() + "' is not " + what);
        }
        return t;
    }

    private Optional<String> raw(String name) {
        return values.apply(name).map(String::trim);
    }

    /** A Quartz cron expression (seconds first); {@code example} is shown in the message. */
    public String cron(String name, String dflt, String example) {
        String cron = nonBlank(name, dflt);
        try {
            new org.quartz.CronExpression(cron);
        } catch (java.text.ParseException e) {
            throw bad(name, "'" + cron + "' is not a Quartz cron expression: " + e.getMessage()
                    + " (six or seven fields, seconds first: '" + example + "')");
        }
        return cron;
    }
}
