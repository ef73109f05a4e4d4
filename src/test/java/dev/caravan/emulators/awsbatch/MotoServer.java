package dev.caravan.emulators.awsbatch;

import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * moto_server on a free loopback port, for one test class: Batch without Docker, SSM, S3, CloudWatch Logs. Tests
 * that need it call {@link #startOrSkip()}, which skips them (saying why) when moto_server is not installed.
 */
public final class MotoServer implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT = "123456789012";

    static {
        // dummy credentials for the SDK's default chain: moto accepts anything
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "moto_server");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts moto_server, or skips the calling test when it is not installed. */
    public static MotoServer startOrSkip() throws Exception {
        return start(Map.of());
    }

    /**
     * A moto_server that checks credentials from the first request on ({@code INITIAL_NO_AUTH_ACTION_COUNT=0}), so
     * it refuses the tests' keys as AWS refuses unknown ones (403 InvalidClientTokenId); skips when not installed.
     */
    public static MotoServer startRefusingCredentialsOrSkip() throws Exception {
        return start(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", "0"));
    }

    private static MotoServer start(Map<String, String> environment) throws Exception {
        Optional<Path> exe = executable();
        Assumptions.assumeTrue(exe.isPresent(), "moto_server is not installed (it comes with pip install 'moto[server]');"
                + " skipping the tests against moto");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("moto-" + port + "-", ".log");
        ProcessBuilder pb = new ProcessBuilder(exe.get().toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(environment);
        Process p = pb.start();
        MotoServer m = new MotoServer(p, port, log);
        m.awaitUp(Duration.ofSeconds(60));
        m.configure();
        return m;
    }

    private void awaitUp(Duration within) throws Exception {
        Instant end = Instant.now().plus(within);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/data.json"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (Instant.now().isAfter(end)) {
                close();
                throw new IllegalStateException("moto_server did not answer on port " + port + " within " + within
                        + "; its log: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private void post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException("POST " + path + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** Batch without Docker: jobs succeed at once. */
    public void configure() throws IOException, InterruptedException {
        batchUsesDocker(false);
    }

    /**
     * Whether moto runs the next jobs' containers in Docker. This machine has no Docker, so a job submitted while it
     * is on fails (FAILED, its container could not start); off, jobs succeed at once.
     */
    public void batchUsesDocker(boolean on) throws IOException, InterruptedException {
        post("/moto-api/config", "{\"batch\": {\"use_docker\": " + on + "}}");
    }

    /** Forgets every resource: each test starts from an empty account. */
    public void reset() throws IOException, InterruptedException {
        post("/moto-api/reset", "");
        configure();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public BatchClient batch() {
        return BatchClient.builder().endpointOverride(endpoint()).region(Region.of(REGION)).credentialsProvider(creds()).build();
    }

    public S3Client s3() {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.of(REGION)).credentialsProvider(creds())
                .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
    }

    public SsmClient ssm() {
        return SsmClient.builder().endpointOverride(endpoint()).region(Region.of(REGION)).credentialsProvider(creds()).build();
    }

    public CloudWatchLogsClient logs() {
        return CloudWatchLogsClient.builder().endpointOverride(endpoint()).region(Region.of(REGION)).credentialsProvider(creds()).build();
    }

    private static StaticCredentialsProvider creds() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    /** A compute environment, the queues and the job definitions (container, busybox) the tests use. */
    public void setUpBatch(String[] queues, String... definitions) throws Exception {
        String roleArn = createRole("batch-service-role");
        try (BatchClient b = batch()) {
            String ce = b.createComputeEnvironment(r -> r.computeEnvironmentName("caravan-ce").type(CEType.UNMANAGED)
                    .serviceRole(roleArn)).computeEnvironmentArn();
            for (String q : queues) {
                b.createJobQueue(r -> r.jobQueueName(q).priority(1).state(JQState.ENABLED)
                        .computeEnvironmentOrder(o -> o.order(1).computeEnvironment(ce)));
            }
            for (String d : definitions) {
                b.registerJobDefinition(r -> r.jobDefinitionName(d).type(JobDefinitionType.CONTAINER)
                        .containerProperties(c -> c.image("busybox").vcpus(1).memory(128).command("echo", "Ref::input")));
            }
        }
    }

    /** IAM through its query API (the SDK's IAM module is not a dependency); moto does not check signatures. */
    private String createRole(String name) throws IOException, InterruptedException {
        String policy = java.net.URLEncoder.encode("{\"Version\":\"2012-10-17\",\"Statement\":[]}", java.nio.charset.StandardCharsets.UTF_8);
        String body = "Action=CreateRole&Version=2010-05-08&RoleName=" + name + "&AssumeRolePolicyDocument=" + policy;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/iam/aws4_request, "
                        + "SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("<Arn>")) {
            throw new IOException("CreateRole: " + r.statusCode() + " " + r.body());
        }
        String b = r.body();
        return b.substring(b.indexOf("<Arn>") + 5, b.indexOf("</Arn>"));
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
