package dev.caravan.report;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Last line of defence for secrets: every text leaving for Slack or the log passes through here, and any
 * registered secret value is replaced. Secrets are registered where they are read (settings, tokens).
 */
public final class Redactor {

    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private Redactor() {
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= 6 && !SECRETS.contains(secret)) {
            SECRETS.add(secret);
        }
    }

    public static void registerAll(Collection<String> secrets) {
        secrets.forEach(Redactor::register);
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        // longest first, so a secret that is a prefix of another cannot leave the other's tail behind
        List<String> bySize = new java.util.ArrayList<>(SECRETS);
        bySize.sort(java.util.Comparator.comparingInt(String::length).reversed());
        for (String s : bySize) {
            out = out.replace(s, "****");
        }
        return out;
    }
}
