package dev.caravan.emulators.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The proof that the emulated RDPC follows the real client: ICGC's own {@code scripts/scheduler.py} (the seed, run
 * unchanged by Debian's {@code /usr/bin/python3}) fetches its token, polls with its own GraphQL query and submits
 * with its own run request against the emulator.
 *
 * <p>Needs a copy of the seed ({@code ICGC_TRACKING_DIR}, default {@code bench/out/peers/icgc-25k-azure-transfer-job-tracking},
 * made by {@code bench/peers/setup}) and the Debian packages it imports; skips with a message otherwise.
 */
class SchedulerPyClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SESSION = "0530c8b6-226e-48fe-a75b-11b9a47a26db";

    /** Calls scheduler.py's own functions; prints one JSON object. argv: scheduler.py, then the emulator's URLs. */
    private static final String DRIVER = """
            import importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("scheduler", sys.argv[1])
            s = importlib.util.module_from_spec(spec); spec.loader.exec_module(s)
            token_url, wes_url, graphql_url = sys.argv[2:5]
            config = {'compute_environments': {'rdpc_prod': {'token_url': token_url,
                      'ENV': {'client_id': 'PROD_CLIENT_ID', 'client_secret': 'PROD_CLIENT_SECRET'}}}}
            out = {}
            token = s.get_wes_token('rdpc_prod', config)
            out['token'] = token
            out['run'] = s.get_run_state(graphql_url, 'wes-1111', token)
            try:
                s.get_run_state(graphql_url, 'wes-nope', token)
            except Exception as e:
                out['unknown'] = str(e)
            run = out['run']
            out['submitted'] = s.wes_submit_run({'study_id': 'PACA-CA'}, wes_url, token, 'api-secret', run['sessionId'],
                'https://github.com/icgc-argo/icgc-25k-azure-transfer.git', 'azure-transfer-wf.v0.12.0', '/nfs-1-c1', True,
                run['engineParameters']['workDir'], run['engineParameters']['launchDir'])
            print(json.dumps(out))
            """;

    private WesEmulator emu;

    @BeforeEach
    void start() throws Exception {
        emu = WesEmulator.start(WesEmulator.Dialect.ARGO).requireClient("prod-client", "prod-secret");
        emu.preload("wes-1111", "EXECUTOR_ERROR", SESSION, Map.of(), Map.of(
                "launchDir", "/nfs-1-c1/wfuser/azure-transfer-wf.v0.12.0/launch-1",
                "workDir", "/nfs-1-c1/wfuser/azure-transfer-wf.v0.12.0/work-1",
                "revision", "azure-transfer-wf.v0.12.0"));
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    static Optional<Path> schedulerPy() {
        String dir = Optional.ofNullable(System.getenv("ICGC_TRACKING_DIR"))
                .orElse("bench/out/peers/icgc-25k-azure-transfer-job-tracking");
        Path p = Path.of(dir, "scripts", "scheduler.py").toAbsolutePath();
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    static boolean pythonHasTheSeedsModules() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import yaml, requests, tenacity, oauthlib, requests_oauthlib")
                .redirectErrorStream(true).start();
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void schedulerPyFetchesItsTokenPollsAndSubmitsAgainstTheEmulator() throws Exception {
        Optional<Path> seed = schedulerPy();
        assumeTrue(seed.isPresent(), "no copy of ICGC's scripts/scheduler.py: run bench/peers/setup or set ICGC_TRACKING_DIR");
        assumeTrue(pythonHasTheSeedsModules(), PYTHON + " lacks yaml/requests/tenacity/requests_oauthlib:"
                + " run bench/peers/setup (Debian packages)");

        ProcessBuilder pb = new ProcessBuilder(List.of(PYTHON, "-c", DRIVER, seed.get().toString(), emu.tokenUrl(),
                emu.url() + "/runs", emu.graphqlUrl())).redirectErrorStream(false);
        pb.environment().put("PROD_CLIENT_ID", "prod-client");
        pb.environment().put("PROD_CLIENT_SECRET", "prod-secret");
        pb.environment().put("OAUTHLIB_INSECURE_TRANSPORT", "1"); // oauthlib refuses http:// token URLs otherwise
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("scheduler.py functions: %s", err).isZero();

        JsonNode r = JSON.readTree(out);
        assertThat(emu.issuedTokens()).contains(r.path("token").asText());
        // its single-run query, through content, as RDPC answers it
        JsonNode run = r.path("run");
        assertThat(run.path("runId").asText()).isEqualTo("wes-1111");
        assertThat(run.path("state").asText()).isEqualTo("EXECUTOR_ERROR");
        assertThat(run.path("sessionId").asText()).isEqualTo(SESSION);
        assertThat(run.path("__typename").asText()).isEqualTo("Run");
        assertThat(run.path("engineParameters").path("workDir").asText()).endsWith("/work-1");
        assertThat(r.path("unknown").asText()).contains("does not return run details for wes-nope").contains("Status code: 200");
        assertThat(emu.requests(WesEmulator.Kind.GRAPHQL)).hasSize(2);
        // its run request: snake_case engine parameters, resumed in the failed run's directories
        WesEmulator.Run resumed = emu.run(r.path("submitted").asText());
        assertThat(resumed.engine("resume")).isEqualTo(SESSION);
        assertThat(resumed.engine("work_dir")).endsWith("/work-1");
        assertThat(resumed.engine("launch_dir")).endsWith("/launch-1");
        assertThat(resumed.engine("project_dir")).isEqualTo("/nfs-1-c1/azure-transfer-wf.v0.12.0");
        assertThat(resumed.workflowParams().path("api_token").asText()).isEqualTo("api-secret");
        assertThat(emu.violations()).isEmpty();
    }
}
