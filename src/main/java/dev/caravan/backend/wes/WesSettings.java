package dev.caravan.backend.wes;

import dev.caravan.settings.Durations;

import dev.caravan.model.Environment;
import dev.caravan.secrets.Redactor;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings of one {@code wes} environment, checked. Every problem is an {@link IllegalArgumentException} whose
 * message starts with the full key ({@code caravan.env.<name>.<key>: ...}) and never quotes a secret.
 *
 * @param url        the WES base ({@code <url>/runs}, {@code <url>/service-info}), without a trailing slash
 * @param tokenUrl   OAuth2 client-credentials endpoint; empty means requests carry no bearer token
 * @param apiToken   added to {@code workflow_params} as {@code api_token} at submit time, in memory only (may be empty)
 * @param offline    empty when not set: nothing is sent
 */
record WesSettings(String env, URI url, Dialect dialect, Optional<URI> tokenUrl, String clientId, String clientSecret,
                   String apiToken, Optional<URI> graphqlUrl, String workflowUrl, Optional<String> workflowVersion,
                   String workflowType, String workflowTypeVersion, Optional<Boolean> offline,
                   List<String> nfsRootPaths, Duration timeout, int retries) {

    static final String DEFAULT_WORKFLOW_TYPE = "NFL";
    static final String DEFAULT_WORKFLOW_TYPE_VERSION = "21.04";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final int DEFAULT_RETRIES = 3;
    static final int MAX_RETRIES = 10;


    WesSettings {
        nfsRootPaths = List.copyOf(nfsRootPaths);
    }

    /** Reads and checks the environment's settings; registers its secrets with the {@link Redactor}. */
    static WesSettings of(Environment env) {
        Keys k = new Keys(env);
        URI url = httpUrl(k, WesBackendFactory.URL, true).orElseThrow();
        Dialect dialect = env.setting(WesBackendFactory.DIALECT)
                .map(v -> Dialect.parse(v).orElseThrow(() -> k.bad(WesBackendFactory.DIALECT,
                        "'" + v.trim() + "' is not a WES dialect (ga4gh or argo)")))
                .orElse(Dialect.GA4GH);

        Optional<URI> tokenUrl = httpUrl(k, WesBackendFactory.TOKEN_URL, false);
        String clientId = env.setting(WesBackendFactory.CLIENT_ID).map(String::trim).orElse("");
        String clientSecret = env.setting(WesBackendFactory.CLIENT_SECRET).map(String::trim).orElse("");
        if (tokenUrl.isPresent()) {
            if (clientId.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_ID, "is required when " + k.full(WesBackendFactory.TOKEN_URL)
                        + " is set (OAuth2 client credentials)");
            }
            if (clientSecret.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_SECRET, "is required when " + k.full(WesBackendFactory.TOKEN_URL)
                        + " is set (OAuth2 client credentials); it may be {{env:VAR}}");
            }
        } else {
            if (!clientId.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_ID, "is set but " + k.full(WesBackendFactory.TOKEN_URL)
                        + " is not: client credentials need a token endpoint");
            }
            if (!clientSecret.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_SECRET, "is set but " + k.full(WesBackendFactory.TOKEN_URL)
                        + " is not: client credentials need a token endpoint");
            }
        }
        requireNoPlaceholder(k, WesBackendFactory.CLIENT_SECRET, clientSecret);
        String apiToken = env.setting(WesBackendFactory.API_TOKEN).map(String::trim).orElse("");
        requireNoPlaceholder(k, WesBackendFactory.API_TOKEN, apiToken);

        Optional<URI> graphql = httpUrl(k, WesBackendFactory.GRAPHQL_URL, false);
        if (dialect == Dialect.ARGO && graphql.isEmpty()) {
            throw k.bad(WesBackendFactory.GRAPHQL_URL, "is required with " + k.full(WesBackendFactory.DIALECT)
                    + "=argo: run states come from the RDPC GraphQL API (e.g. https://api.rdpc.example.org/graphql)");
        }
        if (dialect == Dialect.GA4GH && graphql.isPresent()) {
            throw k.bad(WesBackendFactory.GRAPHQL_URL, "is only used with " + k.full(WesBackendFactory.DIALECT)
                    + "=argo; remove it or set the dialect");
        }

        String workflowUrl = env.setting(WesBackendFactory.WORKFLOW_URL).map(String::trim)
                .orElseThrow(() -> k.bad(WesBackendFactory.WORKFLOW_URL, "is required: the workflow to run,"
                        + " e.g. https://github.com/icgc-argo/icgc-25k-azure-transfer.git"));
        if (workflowUrl.chars().anyMatch(Character::isWhitespace)) {
            throw k.bad(WesBackendFactory.WORKFLOW_URL, "must not contain white space");
        }
        if (workflowUrl.contains("://")) {
            try {
                URI u = new URI(workflowUrl);
                if (u.getHost() == null) {
                    throw k.bad(WesBackendFactory.WORKFLOW_URL, "'" + workflowUrl + "' has no host");
                }
            } catch (URISyntaxException e) {
                throw k.bad(WesBackendFactory.WORKFLOW_URL, "'" + workflowUrl + "' is not a URL: " + e.getReason());
            }
        }
        Optional<String> version = env.setting(WesBackendFactory.WORKFLOW_VERSION).map(String::trim);
        String type = env.setting(WesBackendFactory.WORKFLOW_TYPE).map(String::trim).orElse(DEFAULT_WORKFLOW_TYPE);
        String typeVersion = env.setting(WesBackendFactory.WORKFLOW_TYPE_VERSION).map(String::trim)
                .orElse(DEFAULT_WORKFLOW_TYPE_VERSION);
        Optional<Boolean> offline = env.setting(WesBackendFactory.OFFLINE).map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw k.bad(WesBackendFactory.OFFLINE, "'" + v.trim() + "' is not true or false");
        });
        List<String> roots = new ArrayList<>();
        env.setting(WesBackendFactory.NFS_ROOT_PATHS).ifPresent(v -> {
            for (String p : v.split(",")) {
                String root = p.trim();
                if (root.isEmpty()) {
                    continue;
                }
                if (!root.startsWith("/") || root.contains("..") || root.chars().anyMatch(Character::isWhitespace)) {
                    throw k.bad(WesBackendFactory.NFS_ROOT_PATHS, "'" + root + "' is not an absolute path without"
                            + " '..' or spaces (a comma list like /nfs-1-c1,/nfs-1-c2)");
                }
                root = root.length() > 1 && root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
                if (!roots.contains(root)) {
                    roots.add(root);
                }
            }
        });
        Duration timeout = env.setting(WesBackendFactory.TIMEOUT)
                .map(v -> duration(k, WesBackendFactory.TIMEOUT, v)).orElse(DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw k.bad(WesBackendFactory.TIMEOUT, "must be more than zero");
        }
        int retries = env.setting(WesBackendFactory.RETRIES).map(v -> {
            try {
                int n = Integer.parseInt(v.trim());
                if (n < 0 || n > MAX_RETRIES) {
                    throw k.bad(WesBackendFactory.RETRIES, "must be between 0 and " + MAX_RETRIES + ", was " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw k.bad(WesBackendFactory.RETRIES, "'" + v.trim() + "' is not a whole number");
            }
        }).orElse(DEFAULT_RETRIES);

        Redactor.register(clientSecret);
        Redactor.register(apiToken);
        return new WesSettings(env.name(), url, dialect, tokenUrl, clientId, clientSecret, apiToken, graphql,
                workflowUrl, version, type, typeVersion, offline, roots, timeout, retries);
    }

    /** {@code <url>/<path>}; path without a leading slash. */
    URI wes(String path) {
        return URI.create(url + "/" + path);
    }

    String key(String sub) {
        return "caravan.env." + env + "." + sub;
    }

    /** Never the secrets: settings objects end up in debuggers, logs and exception messages. */
    @Override
    public String toString() {
        return "WesSettings[env=" + env + ", url=" + url + ", dialect=" + dialect.setting() + ", tokenUrl="
                + tokenUrl.map(URI::toString).orElse("") + ", clientId=" + clientId + ", clientSecret="
                + (clientSecret.isEmpty() ? "" : "****") + ", apiToken=" + (apiToken.isEmpty() ? "" : "****")
                + ", graphqlUrl=" + graphqlUrl.map(URI::toString).orElse("") + ", workflowUrl=" + workflowUrl
                + ", workflowVersion=" + workflowVersion.orElse("") + ", workflowType=" + workflowType + " "
                + workflowTypeVersion + ", offline=" + offline.map(String::valueOf).orElse("") + ", nfsRootPaths="
                + nfsRootPaths + ", timeout=" + timeout + ", retries=" + retries + "]";
    }

    private static Optional<URI> httpUrl(Keys k, String sub, boolean required) {
        Optional<String> value = k.env.setting(sub).map(String::trim);
        if (value.isEmpty()) {
            if (required) {
                throw k.bad(sub, "is required: the WES base URL, e.g. https://wes.example.org/ga4gh/wes/v1"
                        + " (requests go to <url>/runs)");
            }
            return Optional.empty();
        }
        String v = value.get();
        URI u;
        try {
            u = new URI(v);
        } catch (URISyntaxException e) {
            throw k.bad(sub, "'" + v + "' is not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw k.bad(sub, "'" + v + "' is not an http or https URL");
        }
        if (u.getHost() == null || u.getHost().isBlank()) {
            throw k.bad(sub, "'" + v + "' has no host");
        }
        if (u.getRawUserInfo() != null) {
            throw k.bad(sub, "must not carry credentials in the URL; use client-id and client-secret");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw k.bad(sub, "'" + v + "' must not have a query or fragment");
        }
        if (sub.equals(WesBackendFactory.URL) && v.endsWith("/runs")) {
            throw k.bad(sub, "is the WES base, not its /runs endpoint: use '" + v.substring(0, v.length() - 5) + "'");
        }
        String s = u.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return Optional.of(URI.create(s));
    }

    private static void requireNoPlaceholder(Keys k, String sub, String value) {
        if (value.startsWith("{{") && value.endsWith("}}")) {
            throw k.bad(sub, "the placeholder was not resolved (is the variable set?)");
        }
    }

    private static Duration duration(Keys k, String sub, String value) {
        return Durations.parseSetting(k.full(sub), value);
    }

    private record Keys(Environment env) {
        String full(String sub) {
            return "caravan.env." + env.name() + "." + sub;
        }

        IllegalArgumentException bad(String sub, String problem) {
            return new IllegalArgumentException(full(sub) + ": " + problem);
        }
    }
}
