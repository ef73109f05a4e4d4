package dev.caravan.nacc;

import dev.caravan.settings.SettingsSection;

import java.util.Set;

/** Makes {@code caravan.nacc.*} known keys (see {@link NaccSettings}); found through META-INF/services. */
public final class NaccSettingsSection implements SettingsSection {

    @Override
    public String prefix() {
        return NaccSettings.PREFIX;
    }

    @Override
    public Set<String> keys() {
        return NaccSettings.DEFAULTS.keySet();
    }
}
