package dev.caravan.backend.flywheel;

import dev.caravan.settings.ConfigException;

import java.net.URI;
import java.util.Locale;

/**
 * A Flywheel API key, {@code <site>:<secret>} (the site may carry a port: {@code host:8443:secret}), as
 * the Flywheel profile page shows it. The site prefix must name the host of the configured URL: a key of
 * one instance sent to another would be refused there at best, and would leak to it at worst. The key is
 * sent whole, as the Flywheel SDK does: {@code Authorization: scitran-user <site>:<secret>}.
 *
 * <p>{@link #toString()} never shows the secret.
 */
public final class ApiKey {

    private final String value;
    private final String site;

    private ApiKey(String value, String site) {
        this.value = value;
        this.site = site;
    }

    /**
     * @param key  the setting's name, for messages
     * @param raw  the resolved value (a literal or what {@code {{env:VAR}}} gave)
     * @param url  the instance URL the key is for
     * @throws ConfigException naming the key, never quoting the secret
     */
    public static ApiKey parse(String key, String raw, URI url) {
        if (raw == null || raw.isBlank()) {
            throw new ConfigException(key, "missing (a Flywheel API key '<site>:<key>', given as the key"
                    + " itself, {{env:VAR}} or {{ssm:/prod/flywheel/gearbot/apikey}})");
        }
        String v = raw.trim();
        int last = v.lastIndexOf(':');
        if (last <= 0 || last == v.length() - 1) {
            throw new ConfigException(key, "not a Flywheel API key of the form '<site>:<key>'"
                    + " (the site prefix is checked against the host of the URL)");
        }
        String site = v.substring(0, last).toLowerCase(Locale.ROOT);
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        String hostPort = url.getPort() > 0 ? host + ":" + url.getPort() : host;
        if (!site.equals(host) && !site.equals(hostPort)) {
            throw new ConfigException(key, "the key is for site '" + site + "' but the URL's host is '"
                    + host + "'; refusing to send it there");
        }
        return new ApiKey(v, site);
    }

    /** The whole key, for the Authorization header and the Redactor only. */
    public String value() {
        return value;
    }

    /** The part after the site prefix: also masked in logs. */
    public String secret() {
        return value.substring(value.lastIndexOf(':') + 1);
    }

    public String site() {
        return site;
    }

    @Override
    public String toString() {
        return site + ":****";
    }
}
