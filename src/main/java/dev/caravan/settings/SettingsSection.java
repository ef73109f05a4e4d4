package dev.caravan.settings;

import java.util.Set;

/**
 * A capability that owns a group of {@code caravan.*} keys of its own (for example {@code caravan.nacc.}).
 * Found with {@link java.util.ServiceLoader}; a key under its prefix that is not in {@link #keys()} stops
 * start-up like any other unknown key. The section checks its own values where it reads them.
 */
public interface SettingsSection {

    /** The prefix, ending with a dot: {@code caravan.nacc.}. */
    String prefix();

    /** Every full key the section accepts. */
    Set<String> keys();

    /** Whether the section accepts this key; sections with keys of their own naming ({@code <prefix>x.<name>.y}) say so here. */
    default boolean accepts(String key) {
        return keys().contains(key);
    }
}
