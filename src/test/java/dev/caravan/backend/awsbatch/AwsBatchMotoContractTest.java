package dev.caravan.backend.awsbatch;

import dev.caravan.emulators.awsbatch.LosingProxy;
import dev.caravan.emulators.awsbatch.MotoServer;
import dev.caravan.backend.Backend;
import dev.caravan.backend.SubmitRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.KeyValuesPair;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contract against moto_server (skipped, saying so, when it is not installed). moto runs no container without
 * Docker: a job submitted while moto is told to use Docker fails, as a job whose container cannot start; every other
 * job succeeds at once. Refused credentials come from a second moto that checks them.
 */
class AwsBatchMotoContractTest extends AwsBatchContract {

    private static MotoServer moto;
    private static MotoServer refusing;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.startOrSkip();
    }

    @AfterAll
    static void stopMoto() {
        for (MotoServer m : new MotoServer[]{moto, refusing}) {
            if (m != null) {
                m.close();
            }
        }
    }

    @BeforeEach
    void emptyAccount() throws Exception {
        moto.reset();
        moto.setUpBatch(new String[]{"q1"}, "align");
    }

    @Override
    URI endpoint() {
        return moto.endpoint();
    }

    @Override
    String queue() {
        return "q1";
    }

    @Override
    String definition() {
        return "align";
    }

    @Override
    protected Map<String, Object> params(Outcome outcome) {
        if (outcome == Outcome.RUNS_UNTIL_CANCELLED) {
            Assumptions.abort("moto_server without Docker (this machine has none) ends every job at submission, so no"
                    + " job is ever RUNNING to cancel; AwsBatchEmulatorContractTest covers cancel");
        }
        return super.params(outcome);
    }

    @Override
    protected String submit(Backend backend, Outcome outcome, SubmitRequest request) throws Exception {
        if (outcome != Outcome.FAILS) {
            return backend.submit(request);
        }
        moto.batchUsesDocker(true);
        try {
            return backend.submit(request);
        } finally {
            moto.batchUsesDocker(false);
        }
    }

    @Override
    protected int runsOnService(SubmitRequest request) {
        String token = AwsBatchBackend.tagToken(request.token());
        try (BatchClient batch = moto.batch()) {
            List<String> ids = batch.listJobs(b -> b.jobQueue(queue()).filters(KeyValuesPair.builder().name("JOB_NAME")
                    .values(JobNames.of(request.job())).build())).jobSummaryList().stream().map(JobSummary::jobId).toList();
            if (ids.isEmpty()) {
                return 0;
            }
            return (int) batch.describeJobs(b -> b.jobs(ids)).jobs().stream()
                    .filter(j -> token.equals(j.tags().get(AwsBatchBackend.TAG_TOKEN))).count();
        }
    }

    /** Through a proxy that lets the SubmitJob reach moto and drops its answer; submit recovers it by name and token. */
    @Override
    protected Optional<String> submitLosingTheAnswer(Backend backend, SubmitRequest request) throws Exception {
        try (LosingProxy proxy = new LosingProxy(moto.endpoint()); Backend viaProxy = backend(proxy.endpoint(), 3)) {
            proxy.loseNextSubmit();
            return Optional.of(viaProxy.submit(request));
        }
    }

    @Override
    protected Backend backendWithRefusedCredentials() throws Exception {
        if (refusing == null) {
            refusing = MotoServer.startRefusingCredentialsOrSkip();
        }
        return backend(refusing.endpoint(), 2);
    }
}
