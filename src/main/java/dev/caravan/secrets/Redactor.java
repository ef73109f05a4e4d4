package dev.caravan.secrets;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Last line of defence for secrets: every text leaving for Slack or the log passes through here, and any
 * registered secret value is replaced. Secrets are registered where they are read (settings, tokens).
 */
public final class Redactor {

    /**
     * How many short-lived secrets (bearer tokens) stay registered. A daemon fetches a new token every lifetime, so
     * keeping them all would grow without end and slow every log line; a token this many lifetimes old has expired.
     */
    static final int SHORT_LIVED_KEPT = 64;

    private static final Set<String> LASTING = new LinkedHashSet<>();
    private static final ArrayDeque<String> SHORT_LIVED = new ArrayDeque<>();
    /** Everything registered, longest first; replaced whole on each registration, read without a lock. */
    private static volatile String[] bySize = new String[0];

    private Redactor() {
    }

    /** A secret for the life of the process: settings, API keys, webhook URLs. */
    public static synchronized void register(String secret) {
        if (worthHiding(secret) && LASTING.add(secret)) {
            rebuild();
        }
    }

    public static void registerAll(Collection<String> secrets) {
        secrets.forEach(Redactor::register);
    }

    /** A secret that expires and is replaced (an OAuth2 access token): only the newest {@value #SHORT_LIVED_KEPT} stay. */
    public static synchronized void registerShortLived(String secret) {
        if (!worthHiding(secret) || LASTING.contains(secret) || SHORT_LIVED.contains(secret)) {
            return;
        }
        SHORT_LIVED.addLast(secret);
        while (SHORT_LIVED.size() > SHORT_LIVED_KEPT) {
            SHORT_LIVED.removeFirst();
        }
        rebuild();
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : bySize) {
            out = out.replace(s, "****");
        }
        return out;
    }

    private static boolean worthHiding(String secret) {
        return secret != null && secret.length() >= 6;
    }

    private static void rebuild() {
        // longest first, so a secret that is a prefix of another cannot leave the other's tail behind
        bySize = Stream.concat(LASTING.stream(), SHORT_LIVED.stream()).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toArray(String[]::new);
    }
}
