package dev.caravan.backend.wes;

import dev.caravan.model.Environment;
import dev.caravan.secrets.Redactor;
import dev.caravan.settings.SettingsReader;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings of one {@code wes} environment, checked. Every problem is a {@link dev.caravan.settings.ConfigException}
 * naming the full key ({@code caravan.env.<name>.<key>}); it never quotes a secret.
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
        SettingsReader k = SettingsReader.of(env);
        URI url = httpUrl(k, WesBackendFactory.URL, true).orElseThrow();
        Dialect dialect = env.setting(WesBackendFactory.DIALECT)
                .map(v -> Dialect.parse(v).orElseThrow(() -> k.bad(WesBackendFactory.DIALECT,
                        "'" + v.trim() + "' is not a WES dialect (ga4gh or argo)")))
                .orElse(Dialect.GA4GH);

        Optional<URI> tokenUrl = httpUrl(k, WesBackendFactory.TOKEN_URL, false);
        String clientId = k.string(WesBackendFactory.CLIENT_ID, "");
        String clientSecret = k.string(WesBackendFactory.CLIENT_SECRET, "");
        if (tokenUrl.isPresent()) {
            if (clientId.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_ID, "is required when " + k.key(WesBackendFactory.TOKEN_URL)
                        + " is set (OAuth2 client credentials)");
            }
            if (clientSecret.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_SECRET, "is required when " + k.key(WesBackendFactory.TOKEN_URL)
                        + " is set (OAuth2 client credentials); it may be {{env:VAR}}");
            }
        } else {
            if (!clientId.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_ID, "is set but " + k.key(WesBackendFactory.TOKEN_URL)
                        + " is not: client credentials need a token endpoint");
            }
            if (!clientSecret.isEmpty()) {
                throw k.bad(WesBackendFactory.CLIENT_SECRET, "is set but " + k.key(WesBackendFactory.TOKEN_URL)
                        + " is not: client credentials need a token endpoint");
            }
        }
        requireNoPlaceholder(k, WesBackendFactory.CLIENT_SECRET, clientSecret);
        String apiToken = k.string(WesBackendFactory.API_TOKEN, "");
        requireNoPlaceholder(k, WesBackendFactory.API_TOKEN, apiToken);

        Optional<URI> graphql = httpUrl(k, WesBackendFactory.GRAPHQL_URL, false);
        if (dialect == Dialect.ARGO && graphql.isEmpty()) {
            throw k.bad(WesBackendFactory.GRAPHQL_URL, "is required with " + k.key(WesBackendFactory.DIALECT)
                    + "=argo: run states come from the RDPC GraphQL API (e.g. https://api.rdpc.example.org/graphql)");
        }
        if (dialect == Dialect.GA4GH && graphql.isPresent()) {
            throw k.bad(WesBackendFactory.GRAPHQL_URL, "is only used with " + k.key(WesBackendFactory.DIALECT)
                    + "=argo; remove it or set the dialect");
        }

        String workflowUrl = k.optional(WesBackendFactory.WORKFLOW_URL)
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
        Optional<String> version = k.optional(WesBackendFactory.WORKFLOW_VERSION);
        String type = k.string(WesBackendFactory.WORKFLOW_TYPE, DEFAULT_WORKFLOW_TYPE);
        String typeVersion = k.optional(WesBackendFactory.WORKFLOW_TYPE_VERSION)
                .orElse(DEFAULT_WORKFLOW_TYPE_VERSION);
        Optional<Boolean> offline = k.optionalBool(WesBackendFactory.OFFLINE);
        List<String> roots = new ArrayList<>();
        for (String item : k.list(WesBackendFactory.NFS_ROOT_PATHS)) {
            if (!item.startsWith("/") || item.contains("..") || item.chars().anyMatch(Character::isWhitespace)) {
                throw k.bad(WesBackendFactory.NFS_ROOT_PATHS, "'" + item + "' is not an absolute path without"
                        + " '..' or spaces (a comma list like /nfs-1-c1,/nfs-1-c2)");
            }
            String root = item.length() > 1 && item.endsWith("/") ? item.substring(0, item.length() - 1) : item;
            if (!roots.contains(root)) {
                roots.add(root);
            }
        }
        Duration timeout = k.duration(WesBackendFactory.TIMEOUT, DEFAULT_TIMEOUT.toSeconds() + "s", SettingsReader.Bound.POSITIVE);
        int retries = k.integer(WesBackendFactory.RETRIES, DEFAULT_RETRIES, 0, MAX_RETRIES);

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

    private static Optional<URI> httpUrl(SettingsReader k, String sub, boolean required) {
        Optional<String> value = k.optional(sub);
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

    private static void requireNoPlaceholder(SettingsReader k, String sub, String value) {
        if (value.startsWith("{{") && value.endsWith("}}")) {
            throw k.bad(sub, "the placeholder was not resolved (is the variable set?)");
        }
    }
}
