package dev.caravan.backend.flywheel;

import dev.caravan.emulators.flywheel.FlywheelEmulator;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendContractTest;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.Environment;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The contract against the in-process Flywheel: one gear per outcome (its jobs complete, fail, or run until
 * cancelled), jobs written to one project, the backend made by its factory from an environment's settings.
 */
class FlywheelContractTest extends BackendContractTest {

    private static final String WRONG_SECRET = "wrong-key-0123456789";

    @TempDir
    Path dir;

    private FlywheelEmulator fw;
    private String project;

    @BeforeEach
    void startFlywheel() throws Exception {
        fw = new FlywheelEmulator();
        fw.gear("contract-ok", "1.0.0");
        fw.gear("contract-fails", "1.0.0");
        fw.gear("contract-endless", "1.0.0");
        fw.gearEnds("contract-fails", "failed");
        fw.gearEnds("contract-endless", "running");
        project = fw.project("contract", "destination", 0);
    }

    @AfterEach
    void stopFlywheel() {
        fw.close();
    }

    private Backend backend(String url, String apiKey) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("url", url);
        s.put("api-key", apiKey);
        s.put("timeout", "5s");
        s.put("auto-retry-grace", "0s");
        return new FlywheelBackendFactory().create(new Environment("contract-fw", "flywheel", 4, 3, s),
                new BackendContext(dir, Clock.systemUTC()));
    }

    @Override
    protected Backend createBackend() {
        return backend(fw.url(), fw.apiKey());
    }

    @Override
    protected Map<String, Object> params(Outcome outcome) {
        return Map.of("destination_id", project, "gear_name", switch (outcome) {
            case SUCCEEDS -> "contract-ok";
            case FAILS -> "contract-fails";
            case RUNS_UNTIL_CANCELLED -> "contract-endless";
        });
    }

    /** A gear id the instance does not have: Flywheel refuses the job. */
    @Override
    protected Map<String, Object> rejectedParams() {
        return Map.of("destination_id", project, "gear_id", "0123456789abcdef01234567");
    }

    @Override
    protected String neverIssuedRunId() {
        return "0123456789abcdef01234567";
    }

    @Override
    protected int runsOnService(SubmitRequest request) {
        String tag = FlywheelBackend.tag(request.token());
        return (int) fw.jobs().stream().filter(j -> j.tags.contains(tag)).count();
    }

    @Override
    protected Optional<String> submitLosingTheAnswer(Backend backend, SubmitRequest request) {
        fw.loseNextAnswer("POST /api/jobs/add");
        return submitExpectingRetryable(backend, request);
    }

    @Override
    protected Backend backendWithRefusedCredentials() {
        return backend(fw.url(), "127.0.0.1:" + WRONG_SECRET);
    }

    @Override
    protected Backend unreachableBackend() throws Exception {
        int port = closedPort();
        return backend("http://127.0.0.1:" + port, "127.0.0.1:" + port + ":" + FlywheelEmulator.SECRET);
    }

    @Override
    protected boolean isRunning(RunStatus status) {
        return status.detail().startsWith("running");
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(FlywheelEmulator.SECRET, WRONG_SECRET);
    }

    @Override
    protected void progress() {
        fw.advance();
    }
}
