package dev.caravan.backend.wes;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;

import java.time.Duration;
import java.util.Set;

/**
 * The {@code wes} kind: a GA4GH WES 1.1.0 endpoint, or ICGC-ARGO's RDPC (WES plus its GraphQL API). Settings under
 * {@code caravan.env.<name>.}:
 *
 * <table>
 *   <caption>wes settings</caption>
 *   <tr><td>{@code url}</td><td>required: the WES base; requests go to {@code <url>/runs} and {@code <url>/service-info}
 *   (e.g. {@code https://wes.example.org/ga4gh/wes/v1}, ICGC's {@code https://wes.rdpc.cancercollaboratory.org/api/v1})</td></tr>
 *   <tr><td>{@code wes-dialect}</td><td>{@code ga4gh} (default) or {@code argo}</td></tr>
 *   <tr><td>{@code graphql-url}</td><td>argo only, required there: the RDPC GraphQL API run states come from</td></tr>
 *   <tr><td>{@code token-url}, {@code client-id}, {@code client-secret}</td><td>OAuth2 client credentials (form POST);
 *   all three or none. Values may be {@code {{env:VAR}}} or {@code {{ssm:/path}}}</td></tr>
 *   <tr><td>{@code api-token}</td><td>a secret added to workflow_params as {@code api_token} at submit time, in memory only</td></tr>
 *   <tr><td>{@code workflow-url}</td><td>required: the workflow (a Git URL or the server's workflow name)</td></tr>
 *   <tr><td>{@code workflow-version}</td><td>the revision ({@code revision} engine parameter)</td></tr>
 *   <tr><td>{@code workflow-type}, {@code workflow-type-version}</td><td>GA4GH only; default {@code NFL} and {@code 21.04}</td></tr>
 *   <tr><td>{@code offline}</td><td>{@code true}/{@code false}: the {@code offline} engine parameter; unset sends none</td></tr>
 *   <tr><td>{@code nfs-root-paths}</td><td>comma list of absolute paths; each fresh run gets
 *   {@code <root>/{launch,project,work}/<group>/<batch>/<job_id>/<attempt>-<nonce>}, roots taken round-robin</td></tr>
 *   <tr><td>{@code timeout}</td><td>per request, default {@code 60s}</td></tr>
 *   <tr><td>{@code retries}</td><td>more tries after a 5xx, timeout or connection error, default 3 (0 to 10),
 *   with jittered exponential backoff from 0.5 s</td></tr>
 * </table>
 */
public final class WesBackendFactory implements BackendFactory {

    public static final String KIND = "wes";

    public static final String URL = "url";
    public static final String DIALECT = "wes-dialect";
    public static final String TOKEN_URL = "token-url";
    public static final String CLIENT_ID = "client-id";
    public static final String CLIENT_SECRET = "client-secret";
    public static final String API_TOKEN = "api-token";
    public static final String GRAPHQL_URL = "graphql-url";
    public static final String WORKFLOW_URL = "workflow-url";
    public static final String WORKFLOW_VERSION = "workflow-version";
    public static final String WORKFLOW_TYPE = "workflow-type";
    public static final String WORKFLOW_TYPE_VERSION = "workflow-type-version";
    public static final String OFFLINE = "offline";
    public static final String NFS_ROOT_PATHS = "nfs-root-paths";
    public static final String TIMEOUT = "timeout";
    public static final String RETRIES = "retries";

    private static final Set<String> KEYS = Set.of(URL, DIALECT, TOKEN_URL, CLIENT_ID, CLIENT_SECRET, API_TOKEN,
            GRAPHQL_URL, WORKFLOW_URL, WORKFLOW_VERSION, WORKFLOW_TYPE, WORKFLOW_TYPE_VERSION, OFFLINE, NFS_ROOT_PATHS,
            TIMEOUT, RETRIES);

    /** WES servers (ICGC-ARGO RDPC) answer one GET per run; a minute keeps 500 runs in flight at ~8 requests/s. */
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
        return KEYS;
    }

    @Override
    public void validate(Environment env) {
        WesSettings.of(env);
    }

    @Override
    public Backend create(Environment env, BackendContext context) {
        return new WesBackend(WesSettings.of(env), context, Transport.DEFAULT_BACKOFF);
    }

    /** For tests: a backend whose retries wait {@code backoffBase}, 2x, 4x, ... (jittered). */
    static WesBackend create(Environment env, BackendContext context, Duration backoffBase) {
        return new WesBackend(WesSettings.of(env), context, backoffBase);
    }
}
