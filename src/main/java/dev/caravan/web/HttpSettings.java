package dev.caravan.web;

import dev.caravan.settings.ConfigException;
import dev.caravan.settings.SettingsSection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code caravan.http.token}: the bearer token every change over {@code /api} needs. Without one, changes are
 * accepted only while the HTTP server listens on a loopback address ({@code camel.server.host}); binding elsewhere
 * without a token stops start-up, naming the key.
 */
public record HttpSettings(Optional<String> token, boolean loopback) {

    public static final String PREFIX = "caravan.http.";
    public static final String TOKEN = PREFIX + "token";

    /** Makes the key known; found through META-INF/services. */
    public static final class Section implements SettingsSection {

        @Override
        public String prefix() {
            return PREFIX;
        }

        @Override
        public Set<String> keys() {
            return Set.of(TOKEN);
        }
    }

    public static HttpSettings read(Function<String, Optional<String>> resolve) {
        Optional<String> token = resolve.apply(TOKEN).map(String::strip).filter(s -> !s.isEmpty());
        String host = resolve.apply("camel.server.host").map(String::strip).filter(s -> !s.isEmpty()).orElse("0.0.0.0");
        boolean loopback = isLoopback(host);
        // a one-shot command or a daemon without camel.server listens nowhere: nothing to refuse
        boolean serving = resolve.apply("camel.server.enabled").map(v -> v.strip().equalsIgnoreCase("true")).orElse(false);
        if (token.isEmpty() && !loopback && serving) {
            throw new ConfigException(TOKEN, "is not set, and camel.server.host is " + host + ", not a loopback"
                    + " address: anyone who reaches it could change batches. Set " + TOKEN + " (e.g. {{env:CARAVAN_TOKEN}})"
                    + " or bind to 127.0.0.1");
        }
        if (token.isPresent() && token.get().length() < 16) {
            throw new ConfigException(TOKEN, "is shorter than 16 characters; use a long random token");
        }
        return new HttpSettings(token, loopback);
    }

    static boolean isLoopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        try {
            return host.matches("[0-9.]+|[0-9a-fA-F:]+") && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
