package dev.caravan.backend.wes;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContractTest;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The contract against the in-process WES emulator in one dialect, with OAuth2 client credentials: a run's
 * {@code sample_id} says how its workflow ends, and a run without {@code study_id} cannot be launched.
 */
abstract class WesBackendContract extends BackendContractTest {

    private static final String WRONG_SECRET = "wrong-secret-" + WesFixture.random();

    @TempDir
    Path dir;

    WesEmulator emu;
    private WesFixture fx;

    abstract WesEmulator.Dialect dialect();

    @BeforeEach
    void startEmulator() throws Exception {
        emu = WesEmulator.start(dialect())
                .endRunsWhere(p -> p.path("sample_id").asText().equals("fails"), "EXECUTOR_ERROR")
                .endRunsWhere(p -> p.path("sample_id").asText().equals("endless"), "RUNNING")
                .requireWorkflowParams("study_id");
        fx = new WesFixture(emu, dir);
    }

    @AfterEach
    void stopEmulator() {
        emu.close();
    }

    @Override
    protected Backend createBackend() {
        return fx.backend();
    }

    @Override
    protected Map<String, Object> params(Outcome outcome) {
        return Map.of("study_id", "CONTRACT", "sample_id", switch (outcome) {
            case SUCCEEDS -> "ok";
            case FAILS -> "fails";
            case RUNS_UNTIL_CANCELLED -> "endless";
        });
    }

    @Override
    protected Map<String, Object> rejectedParams() {
        return Map.of("sample_id", "ok");
    }

    @Override
    protected int runsOnService(SubmitRequest request) {
        return (int) emu.runs().stream().filter(r -> request.token().equals(r.tags().get(WesBackend.TAG_TOKEN))).count();
    }

    /** The backend looks a run up by its tag before sending again, so submit itself recovers the answer. */
    @Override
    protected Optional<String> submitLosingTheAnswer(Backend backend, SubmitRequest request) throws Exception {
        emu.loseNextResponse(WesEmulator.Kind.SUBMIT);
        return Optional.of(backend.submit(request));
    }

    @Override
    protected Backend backendWithRefusedCredentials() {
        return fx.backend(Map.of("client-secret", WRONG_SECRET));
    }

    /** The WES and its GraphQL API are down; the token endpoint answers (when it does not, that is CRITICAL). */
    @Override
    protected Backend unreachableBackend() throws Exception {
        String nowhere = "http://127.0.0.1:" + closedPort();
        return fx.backend(Map.of("url", nowhere + emu.basePath(), "graphql-url",
                dialect() == WesEmulator.Dialect.ARGO ? nowhere + WesEmulator.GRAPHQL_PATH : "", "retries", "1"));
    }

    @Override
    protected boolean isRunning(RunStatus status) {
        return status.detail().equals("RUNNING");
    }

    @Override
    protected Set<String> secrets() {
        Set<String> s = new HashSet<>(Set.of(WesFixture.CLIENT_SECRET, WesFixture.API_TOKEN, WRONG_SECRET));
        s.addAll(emu.issuedTokens());
        return s;
    }

    @Override
    protected void progress() {
        emu.advanceAll();
    }
}
