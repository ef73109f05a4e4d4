package dev.caravan.backend.awsbatch;

import dev.caravan.emulators.awsbatch.AwsBatchEmulator;
import dev.caravan.backend.Backend;
import dev.caravan.backend.SubmitRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URI;
import java.util.Optional;

/** The contract against the in-process AWS Batch emulator, which can lose answers and refuse credentials. */
class AwsBatchEmulatorContractTest extends AwsBatchContract {

    private AwsBatchEmulator fake;

    @BeforeEach
    void startEmulator() throws Exception {
        fake = new AwsBatchEmulator();
    }

    @AfterEach
    void stopEmulator() {
        fake.close();
    }

    @Override
    URI endpoint() {
        return fake.endpoint();
    }

    @Override
    String queue() {
        return "fake-queue";
    }

    @Override
    String definition() {
        return "fake-def";
    }

    @Override
    protected int runsOnService(SubmitRequest request) {
        String token = AwsBatchBackend.tagToken(request.token());
        return (int) fake.jobs().stream()
                .filter(j -> token.equals(j.request.path("tags").path(AwsBatchBackend.TAG_TOKEN).asText())).count();
    }

    /** The backend looks the job up by name and token before sending again, so submit itself recovers the answer. */
    @Override
    protected Optional<String> submitLosingTheAnswer(Backend backend, SubmitRequest request) throws Exception {
        fake.loseAfterSubmit.set(1);
        return Optional.of(backend.submit(request));
    }

    @Override
    protected Backend backendWithRefusedCredentials() {
        fake.refuseCredentials = true;
        return createBackend();
    }
}
