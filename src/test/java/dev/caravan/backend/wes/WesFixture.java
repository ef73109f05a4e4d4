package dev.caravan.backend.wes;

import dev.caravan.backend.BackendContext;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.emulators.wes.WesEmulator;
import dev.caravan.model.Environment;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Environments, backends and requests against a {@link WesEmulator}, with secrets that tests look for in output. */
final class WesFixture {

    static final String ENV = "rdpc-test";
    static final String CLIENT_ID = "caravan-client";
    static final String CLIENT_SECRET = "client-secret-" + random();
    static final String API_TOKEN = "api-token-" + random();
    static final String WORKFLOW_URL = "https://github.com/icgc-argo/icgc-25k-azure-transfer.git";
    static final String REVISION = "azure-transfer-wf.v0.12.0";
    static final List<String> ROOTS = List.of("/nfs-1-c1", "/nfs-1-c2");

    final WesEmulator emulator;
    final MutableClock clock = new MutableClock(Instant.parse("2021-06-20T22:00:00Z"));
    final Path workDir;

    WesFixture(WesEmulator emulator, Path workDir) {
        this.emulator = emulator.requireClient(CLIENT_ID, CLIENT_SECRET);
        this.workDir = workDir;
    }

    /** Settings of an environment on the emulator, with {@code extra} added or overriding (an empty value removes). */
    Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("url", emulator.url());
        s.put("wes-dialect", emulator.dialect() == WesEmulator.Dialect.ARGO ? "argo" : "ga4gh");
        if (emulator.dialect() == WesEmulator.Dialect.ARGO) {
            s.put("graphql-url", emulator.graphqlUrl());
        }
        s.put("token-url", emulator.tokenUrl());
        s.put("client-id", CLIENT_ID);
        s.put("client-secret", CLIENT_SECRET);
        s.put("api-token", API_TOKEN);
        s.put("workflow-url", WORKFLOW_URL);
        s.put("workflow-version", REVISION);
        s.put("offline", "true");
        s.put("nfs-root-paths", String.join(",", ROOTS));
        s.put("timeout", "3s");
        s.put("retries", "3");
        s.putAll(extra);
        s.values().removeIf(String::isEmpty);
        return s;
    }

    Environment env(Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(settings(extra));
        all.put("backend", "wes");
        return new Environment(ENV, "wes", 4, 10, all);
    }

    WesBackend backend() {
        return backend(Map.of());
    }

    WesBackend backend(Map<String, String> extra) {
        return WesBackendFactory.create(env(extra), new BackendContext(workDir, clock), Duration.ofMillis(1));
    }

    static JobRef job(String id) {
        return new JobRef("PACA-CA", "2021-06-20", id);
    }

    static SubmitRequest request(String jobId, int attempt, Optional<RunMarker> previous) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("study_id", "PACA-CA");
        params.put("analysis_id", List.of("a094f44f-e40d-436f-ae96-c5a0a53dc184"));
        params.put("max_retries", 2);
        params.put("cpus", 1);
        return new SubmitRequest(job(jobId), params, job(jobId).path() + "#" + attempt + "-" + random().substring(0, 8),
                attempt, previous);
    }

    static SubmitRequest request(String jobId) {
        return request(jobId, 1, Optional.empty());
    }

    static RunMarker marker(String runId) {
        return new RunMarker(1624228555L, ENV, runId);
    }

    static String random() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
