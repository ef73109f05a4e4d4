package dev.caravan.backend.awsbatch;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendContractTest;
import dev.caravan.model.Environment;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The contract on an AWS Batch endpoint, the backend made by its factory from an environment's settings: a job's
 * container command says how it ends ({@code exit 3} fails, {@code sleep infinity} runs until terminated), and a job
 * naming a queue AWS does not have is refused.
 */
abstract class AwsBatchContract extends BackendContractTest {

    static {
        // the SDK's default chain: moto and the emulator take any keys
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    @TempDir
    Path dir;

    abstract URI endpoint();

    abstract String queue();

    abstract String definition();

    /** A backend of this kind at {@code endpoint}, trying each call {@code attempts} times. */
    Backend backend(URI endpoint, int attempts) {
        Environment env = new Environment("contract-aws", "awsbatch", 4, 3, Map.of("region", "us-east-1",
                "endpoint", endpoint.toString(), "job-queue", queue(), "job-definition", definition(),
                "request-attempts", Integer.toString(attempts)));
        return new AwsBatchBackendFactory().create(env, new BackendContext(dir, Clock.systemUTC()));
    }

    @Override
    protected Backend createBackend() {
        return backend(endpoint(), 3);
    }

    @Override
    protected Map<String, Object> params(Outcome outcome) {
        return Map.of("parameters", Map.of("input", "s3://contract/in"), "container_overrides",
                Map.of("command", switch (outcome) {
                    case SUCCEEDS -> List.of("echo", "done");
                    case FAILS -> List.of("sh", "-c", "exit 3");
                    case RUNS_UNTIL_CANCELLED -> List.of("sleep", "infinity");
                }));
    }

    @Override
    protected Map<String, Object> rejectedParams() {
        return Map.of("job_queue", "no-such-queue");
    }

    @Override
    protected String neverIssuedRunId() {
        return UUID.randomUUID().toString();
    }

    @Override
    protected Backend unreachableBackend() throws Exception {
        return backend(URI.create("http://127.0.0.1:" + closedPort()), 2);
    }

    @Override
    protected boolean isRunning(RunStatus status) {
        return status.detail().equals("RUNNING");
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(System.getProperty("aws.secretAccessKey"));
    }
}
