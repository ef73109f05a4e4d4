package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.emulators.wes.WesEmulator.Kind;
import dev.caravan.testkit.LogCapture;
import dev.caravan.model.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OAuth2 client credentials: caching, refresh on 401, failures as critical, and secrets kept out of every text. */
class WesAuthTest {

    @TempDir
    Path dir;

    private WesEmulator emu;
    private WesFixture fx;

    @BeforeEach
    void start() throws Exception {
        emu = WesEmulator.start(WesEmulator.Dialect.GA4GH);
        fx = new WesFixture(emu, dir);
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    private static RunHandle handle(String runId) {
        return new RunHandle(WesFixture.job("job.0001"), runId);
    }

    @Test
    void theTokenIsFetchedOnceAndSentWithEveryRequest() throws Exception {
        WesBackend b = fx.backend();
        String id = b.submit(WesFixture.request("job.0001"));
        for (int i = 0; i < 3; i++) {
            b.poll(List.of(handle(id)));
        }
        b.findSubmission(WesFixture.request("job.0001"));
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(1);
        String token = emu.issuedTokens().get(0);
        assertThat(emu.requests()).filteredOn(r -> r.kind() != Kind.TOKEN)
                .allSatisfy(r -> assertThat(r.header("Authorization")).contains("Bearer " + token));
        String form = emu.requests(Kind.TOKEN).get(0).bodyText();
        assertThat(form).contains("grant_type=client_credentials").contains("client_id=" + WesFixture.CLIENT_ID)
                .contains("client_secret=" + WesFixture.CLIENT_SECRET);
    }

    @Test
    void aRefusedTokenIsRenewedOnceAndTheRequestRepeated() throws Exception {
        WesBackend b = fx.backend();
        String id = b.submit(WesFixture.request("job.0001"));
        emu.revokeTokens();
        assertThat(b.poll(List.of(handle(id))).get(id)).isEqualTo(RunStatus.inFlight("QUEUED"));
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(2);
        assertThat(emu.count(Kind.STATUS)).isEqualTo(2); // 401, then with the new token
    }

    @Test
    void a401WithAFreshTokenIsCritical() throws Exception {
        WesBackend b = fx.backend();
        String id = b.submit(WesFixture.request("job.0001"));
        emu.failNext(Kind.STATUS, 2, 401);
        assertThatThrownBy(() -> b.poll(List.of(handle(id))))
                .isInstanceOf(BackendException.class)
                .matches(e -> ((BackendException) e).isCritical(), "critical")
                .hasMessageContaining("HTTP 401 even with a new token").hasMessageContaining(WesFixture.ENV);
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(2);
        assertThat(emu.count(Kind.STATUS)).isEqualTo(2);
    }

    @Test
    void theTokenIsKeptUntilShortlyBeforeItExpires() throws Exception {
        emu.tokenExpiresIn(600);
        WesBackend b = fx.backend();
        String id = b.submit(WesFixture.request("job.0001"));
        fx.clock.advance(Duration.ofSeconds(500));
        b.poll(List.of(handle(id)));
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(1);
        fx.clock.advance(Duration.ofSeconds(80)); // 580 s: within the last 30 s of its life
        b.poll(List.of(handle(id)));
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(2);
    }

    /**
     * A cycle as the engine runs it: poll what is in flight, then submit into free slots in parallel. With a token that
     * outlives a cycle but not the 20 minutes between cycles (as ICGC's Ego tokens), each cycle with work fetches
     * exactly one; a cycle with nothing to do fetches none; health checks never do.
     */
    @Test
    void exactlyOneTokenCallPerCycleThatHasWork() throws Exception {
        emu.tokenExpiresIn(300);
        WesBackend b = fx.backend();
        List<String> inFlight = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int cycle = 1; cycle <= 3; cycle++) {
                int before = emu.count(Kind.TOKEN);
                if (!inFlight.isEmpty()) {
                    b.poll(inFlight.stream().map(WesAuthTest::handle).toList());
                }
                List<Callable<String>> submits = new ArrayList<>();
                for (int j = 0; j < 4; j++) {
                    String jobId = String.format("job.%04d", cycle * 10 + j);
                    submits.add(() -> b.submit(WesFixture.request(jobId)));
                }
                for (Future<String> f : pool.invokeAll(submits)) {
                    inFlight.add(f.get());
                }
                b.healthProblem();
                assertThat(emu.count(Kind.TOKEN) - before).as("token calls in cycle %d", cycle).isEqualTo(1);
                fx.clock.advance(Duration.ofMinutes(20));
            }
            // a cycle with nothing in flight and nothing to release: the engine calls nothing but poll of nothing
            int before = emu.count(Kind.TOKEN);
            assertThat(b.poll(List.of())).isEmpty();
            b.healthProblem();
            assertThat(emu.count(Kind.TOKEN)).isEqualTo(before);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusedClientCredentialsAreCriticalAndNotRetried() throws Exception {
        WesBackend b = fx.backend(Map.of("client-secret", "wrong-secret-value"));
        assertThatThrownBy(() -> b.submit(WesFixture.request("job.0001")))
                .isInstanceOf(BackendException.class)
                .matches(e -> ((BackendException) e).isCritical(), "critical")
                .hasMessageContaining("refused the client credentials of client-id '" + WesFixture.CLIENT_ID + "'")
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("wrong-secret-value");
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(1);
        assertThat(emu.count(Kind.SUBMIT)).isZero();
    }

    @Test
    void aTokenEndpointOutageIsRetriedThenCritical() throws Exception {
        WesBackend b = fx.backend(Map.of("retries", "2"));
        emu.failTokens(503);
        assertThatThrownBy(() -> b.poll(List.of(handle("run-1"))))
                .isInstanceOf(BackendException.class)
                .matches(e -> ((BackendException) e).isCritical(), "critical")
                .hasMessageContaining("token endpoint").hasMessageContaining("HTTP 503").hasMessageContaining("tried 3 times");
        assertThat(emu.count(Kind.TOKEN)).isEqualTo(3);
        assertThat(emu.count(Kind.STATUS)).isZero();

        emu.failTokens(0); // back: the next call works without any reset
        emu.failNext(Kind.TOKEN, 1, 500);
        assertThat(b.poll(List.of(handle("run-1"))).get("run-1").phase()).isEqualTo(RunStatus.Phase.UNKNOWN);
    }

    @Test
    void aWesWithoutAuthNeedsNoTokenSettings() throws Exception {
        try (WesEmulator open = WesEmulator.start(WesEmulator.Dialect.GA4GH)) {
            WesFixture f = new WesFixture(open, dir);
            open.requireClient(null, null);
            WesBackend b = f.backend(Map.of("token-url", "", "client-id", "", "client-secret", ""));
            String id = b.submit(WesFixture.request("job.0001"));
            assertThat(b.poll(List.of(handle(id))).get(id)).isEqualTo(RunStatus.inFlight("QUEUED"));
            assertThat(open.count(Kind.TOKEN)).isZero();
            assertThat(open.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
        }
    }

    @Test
    void secretsStayOutOfMessagesAndLogs() throws Exception {
        List<String> messages = new ArrayList<>();
        String log;
        try (LogCapture captured = LogCapture.attach()) {
            WesBackend b = fx.backend();
            // a server that quotes the whole request back in its error (workflow_params with the api_token)
            emu.failNextEchoing(Kind.SUBMIT, 400);
            messages.add(thrown(() -> b.submit(WesFixture.request("job.0001"))).getMessage());
            // error text of a failed run that quotes the token
            String id = b.submit(WesFixture.request("job.0002"));
            emu.finish(id, "EXECUTOR_ERROR", JsonNodeFactory.instance.textNode("api_token=" + WesFixture.API_TOKEN
                    + " was rejected; bearer " + emu.issuedTokens().get(0)));
            messages.add(b.poll(List.of(handle(id))).get(id).detail());
            // 500s, retries, timeouts, lost answers: everything that logs
            emu.failNext(Kind.SUBMIT, 1, 500);
            emu.loseNextResponse(Kind.SUBMIT);
            b.submit(WesFixture.request("job.0003"));
            emu.revokeTokens();
            b.poll(List.of(handle(id)));
            // credentials refused, token endpoint down
            messages.add(thrown(() -> fx.backend(Map.of("client-secret", "other-" + WesFixture.CLIENT_SECRET))
                    .submit(WesFixture.request("job.0004"))).getMessage());
            emu.revokeTokens();
            emu.failTokens(500);
            messages.add(thrown(() -> fx.backend(Map.of("retries", "1")).poll(List.of(handle(id)))).getMessage());
            messages.add(fx.backend().toString());
            messages.add(WesSettings.of(fx.env(Map.of())).toString());
            log = captured.all();
        }
        List<String> secrets = new ArrayList<>(List.of(WesFixture.CLIENT_SECRET, WesFixture.API_TOKEN));
        secrets.addAll(emu.issuedTokens());
        assertThat(emu.issuedTokens()).isNotEmpty();
        assertThat(messages.get(0)).contains("refused the run (HTTP 400: cannot run this request: --caravan-");
        assertThat(messages.get(1)).contains("api_token=****").contains("bearer ****");
        for (String secret : secrets) {
            assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain(secret));
            assertThat(log).doesNotContain(secret);
        }
        assertThat(log).contains("trying again").contains("answered 401");
    }

    private static Exception thrown(Callable<?> call) {
        try {
            call.call();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected an exception");
    }
}
