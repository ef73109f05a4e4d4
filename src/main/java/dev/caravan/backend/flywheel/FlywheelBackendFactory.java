package dev.caravan.backend.flywheel;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;
import dev.caravan.secrets.Redactor;
import dev.caravan.settings.SettingsReader;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code flywheel} kind. Settings under {@code caravan.env.<name>.}:
 * <ul>
 *   <li>{@code url} (required): the instance, {@code https://nacc.flywheel.io}; the API is {@code <url>/api};</li>
 *   <li>{@code api-key} (required): {@code <site>:<key>}, as a literal, {@code {{env:VAR}}} or
 *   {@code {{ssm:<path>}}}; its site must be the URL's host;</li>
 *   <li>{@code timeout} ({@code 30s}): per request;</li>
 *   <li>{@code auto-retry-grace} ({@code 30s}): how long after a failure a job still counts as in flight,
 *   because Flywheel may retry it by itself.</li>
 * </ul>
 */
public final class FlywheelBackendFactory implements BackendFactory {

    public static final String KIND = "flywheel";
    public static final String URL = "url";
    public static final String API_KEY = "api-key";
    public static final String TIMEOUT = "timeout";
    public static final String AUTO_RETRY_GRACE = "auto-retry-grace";


    /** gear jobs take minutes to hours; one lookup a minute stays far inside the site's API rate. */
    @Override
    public Duration defaultPollInterval() {
        return Duration.ofSeconds(60);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of(URL, API_KEY, TIMEOUT, AUTO_RETRY_GRACE);
    }

    @Override
    public void validate(Environment env) {
        URI url = url(env);
        ApiKey.parse(SettingsReader.of(env).key(API_KEY), env.setting(API_KEY).orElse(null), url);
        timeout(env);
        grace(env);
    }

    @Override
    public Backend create(Environment env, BackendContext context) {
        return new FlywheelBackend(env.name(), client(env), grace(env), context.clock());
    }

    /** A client for the environment's instance; registers its key with the {@link Redactor}. */
    public static FlywheelClient client(Environment env) {
        URI url = url(env);
        ApiKey apiKey = ApiKey.parse(SettingsReader.of(env).key(API_KEY), env.setting(API_KEY).orElse(null), url);
        Redactor.register(apiKey.value());
        Redactor.register(apiKey.secret());
        return new FlywheelClient(url, apiKey, timeout(env));
    }

    static URI url(Environment env) {
        SettingsReader r = SettingsReader.of(env);
        String v = r.required(URL, "missing (the Flywheel instance, like https://nacc.flywheel.io)");
        try {
            URI u = new URI(v);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                throw r.bad(URL, "'" + v + "' is not an http(s) URL with a host");
            }
            if (u.getPath() != null && u.getPath().replaceAll("/+$", "").endsWith("/api")) {
                throw r.bad(URL, "give the site without /api ('" + v.replaceAll("/api/*$", "") + "')");
            }
            return u;
        } catch (URISyntaxException e) {
            throw r.bad(URL, "'" + v + "' is not a URL: " + e.getReason());
        }
    }

    static Duration timeout(Environment env) {
        return SettingsReader.of(env).duration(TIMEOUT, "30s", SettingsReader.Bound.POSITIVE);
    }

    static Duration grace(Environment env) {
        return SettingsReader.of(env).duration(AUTO_RETRY_GRACE, "30s", SettingsReader.Bound.NOT_NEGATIVE);
    }
}
