package dev.caravan.backend.local;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendContractTest;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.Environment;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The contract on this machine: real processes in a temporary work folder, the job's script in its params. */
class LocalBackendContractTest extends BackendContractTest {

    @TempDir
    Path workDir;

    @Override
    protected Backend createBackend() {
        Environment env = new Environment("contract", "local", 4, 3, Map.of("command", "sh -c {params.script}"));
        return new LocalBackendFactory().create(env, new BackendContext(workDir, Clock.systemUTC()));
    }

    @Override
    protected Map<String, Object> params(Outcome outcome) {
        return Map.of("script", switch (outcome) {
            case SUCCEEDS -> "echo done";
            case FAILS -> "echo 'contract: simulated failure' >&2; exit 3";
            case RUNS_UNTIL_CANCELLED -> "sleep 300";
        });
    }

    /** No {@code script}: the command's placeholder has no value, so the backend refuses before starting anything. */
    @Override
    protected Map<String, Object> rejectedParams() {
        return Map.of("other", "x");
    }

    @Override
    protected String neverIssuedRunId() {
        return "local-0123456789ab";
    }

    @Override
    protected int runsOnService(SubmitRequest request) throws Exception {
        return new RunFolder(workDir, request.job(), RunIds.forToken(request.token())).readLaunch().isPresent() ? 1 : 0;
    }

    /**
     * A local run's answer cannot be lost on the way: what can happen is the daemon being killed between the spawn
     * and the run marker, which drops the answer just as this does.
     */
    @Override
    protected Optional<String> submitLosingTheAnswer(Backend backend, SubmitRequest request) throws Exception {
        backend.submit(request);
        return Optional.empty();
    }

    @Override
    protected Backend backendWithRefusedCredentials() {
        Assumptions.abort("local runs as this machine's user: it has no credentials to refuse");
        return null;
    }

    @Override
    protected Backend unreachableBackend() {
        Assumptions.abort("local runs on this machine: there is no service to be unreachable (a work folder it cannot"
                + " write is CRITICAL, see LocalBackendTest.aWorkFolderItCannotWriteIsCritical)");
        return null;
    }

    @Override
    protected boolean isRunning(RunStatus status) {
        return status.detail().startsWith("running");
    }
}
