package dev.caravan.bench.aws;

import dev.caravan.cli.Caravan;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * aws-batch-helpers' workload on Caravan against moto_server: SAMPLES samples × 4 analyses, each sample's analyses
 * chained with dependsOn. Three passes: submit through a proxy that answers 429 above 50 SubmitJob/s (Caravan's
 * default submit-rate), submit straight to moto with no client-side limit, and a status pass (DescribeJobs).
 *
 * <p>usage: AwsBatchBench OUT_DIR [SAMPLES]; prints a markdown table and writes OUT_DIR/results.md.
 */
public final class AwsBatchBench {

    static final String WORKFLOW = """
            {
              "workflow_name": "wgs",
              "bucket": "bench-out",
              "analyses": [
                {"name": "align", "job_definition": "align", "queue": "bench-q", "description": "align reads",
                 "parameters": {"input": "{_filepath}", "output": "s3://{bucket}/{project_name}/{_sample}/align.bam"},
                 "containerOverrides": {"vcpus": 4, "memory": 16000},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/align.bam"]},
                {"name": "dedup", "job_definition": "dedup", "queue": "bench-q",
                 "parameters": {"input": "s3://{bucket}/{project_name}/{_sample}/align.bam"},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/dedup.bam"]},
                {"name": "call", "job_definition": "call", "queue": "bench-q",
                 "parameters": {"input": "s3://{bucket}/{project_name}/{_sample}/dedup.bam"},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/calls.vcf"]},
                {"name": "qc", "job_definition": "qc", "queue": "bench-q",
                 "parameters": {"input": "s3://{bucket}/{project_name}/{_sample}/calls.vcf"},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/qc.json"]}
              ]
            }
            """;

    record Run(String code, String out, String err, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/out/aws").toAbsolutePath();
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 2500;
        Files.createDirectories(out);
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        List<String> rows = new ArrayList<>();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(out.resolve("moto.log").toFile()).start();
        URI motoUri = URI.create("http://127.0.0.1:" + port);
        try {
            awaitUp(motoUri);
            Path csv = out.resolve("metadata.csv");
            StringBuilder sb = new StringBuilder("sample,file\n");
            for (int i = 1; i <= samples; i++) {
                sb.append(String.format("S%05d,s3://bench-in/S%05d.fastq.gz%n", i, i));
            }
            Files.writeString(csv, sb);
            Files.writeString(out.resolve("workflow.json"), WORKFLOW);
            int jobs = samples * 4;

            // --- 1: through the 50/s throttling proxy, Caravan's default submit-rate (50/s) ---------------
            reset(motoUri);
            if (System.getenv("BENCH_SKIP_THROTTLED") == null) try (ThrottlingProxy proxy = new ThrottlingProxy(motoUri, 50)) {
                Path run = prepare(out.resolve("throttled"), proxy.endpoint(), null, csv);
                long heap0 = peakHeapReset();
                Run r = caravan("project", "submit", "bench", "--config", run.resolve("c.properties").toString());
                long heap = peakHeap();
                double secs = submitSeconds(r);
                long onAws = countOnAws(motoUri);
                Check c = check(run, motoUri, jobs);
                rows.add(String.format(Locale.ROOT, "| submit, 50/s throttling proxy, submit-rate 50 (default) | %d | %.1f s | %.1f jobs/s | %d of %d (%.2f%%) | %d | %d | %d MiB |",
                        onAws, secs, onAws / secs, proxy.throttled.get(), proxy.submits.get(),
                        100.0 * proxy.throttled.get() / Math.max(1, proxy.submits.get()), c.duplicates, c.lost, heap >> 20));
                System.err.println("throttled: " + r.out.strip() + " heap0=" + heap0);
            }

            // --- 2: straight to moto, no client-side limit ------------------------------------------------
            reset(motoUri);
            Path run = prepare(out.resolve("unthrottled"), motoUri, "0", csv);
            peakHeapReset();
            Run r = caravan("project", "submit", "bench", "--config", run.resolve("c.properties").toString());
            long heap = peakHeap();
            double secs = submitSeconds(r);
            long onAws = countOnAws(motoUri);
            Check c = check(run, motoUri, jobs);
            rows.add(String.format(Locale.ROOT, "| submit, straight to moto, submit-rate 0 (no limit) | %d | %.1f s | %.1f jobs/s | - | %d | %d | %d MiB |",
                    onAws, secs, onAws / secs, c.duplicates, c.lost, heap >> 20));
            System.err.println("unthrottled: " + r.out.strip());

            // --- 3: status pass over everything in flight --------------------------------------------------
            peakHeapReset();
            Run st = caravan("project", "status", "bench", "--config", run.resolve("c.properties").toString());
            heap = peakHeap();
            Matcher m = Pattern.compile("\\((\\d+) DescribeJobs calls for (\\d+) jobs in flight, (\\d+) ms\\)").matcher(st.out);
            if (!m.find()) {
                throw new IllegalStateException("no status line in: " + st.out + st.err);
            }
            rows.add(String.format(Locale.ROOT, "| status pass (DescribeJobs) | %s | %.2f s (command %.1f s) | %s calls | - | - | - | %d MiB |",
                    m.group(2), Integer.parseInt(m.group(3)) / 1000.0, st.seconds, m.group(1), heap >> 20));
            System.err.println("status: " + st.out.strip());
        } finally {
            moto.descendants().forEach(ProcessHandle::destroy);
            moto.destroy();
        }
        String table = "| pass | jobs | time | rate | throttled answers | duplicates | lost | peak heap |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |\n" + String.join("\n", rows) + "\n";
        Files.writeString(out.resolve("results.md"), table);
        System.out.print(table);
        System.exit(0);
    }

    /** The submit pass: the cycle's time as the command reports it ("... in N ms"). */
    static double submitSeconds(Run r) {
        Matcher m = Pattern.compile(" in (\\d+) ms").matcher(r.out);
        if (!m.find()) {
            throw new IllegalStateException("submit failed: " + r.code + "\n" + r.out + "\n" + r.err);
        }
        return Integer.parseInt(m.group(1)) / 1000.0;
    }

    record Check(long duplicates, long lost) {
    }

    /** Duplicates: AWS jobs sharing a name. Lost: jobs of the tree without a run id that AWS has (or skipped). */
    static Check check(Path run, URI moto, int jobs) throws IOException {
        List<JobSummary> all = listAll(moto);
        Set<String> names = new HashSet<>();
        Set<String> ids = new HashSet<>();
        long dup = 0;
        for (JobSummary s : all) {
            if (!names.add(s.jobName())) {
                dup++;
            }
            ids.add(s.jobId());
        }
        long recorded;
        try (Stream<Path> s = Files.walk(run.resolve("tracking/jobs/bench/wgs"))) {
            recorded = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("run."))
                    .filter(n -> ids.contains(n.substring(n.indexOf('.', n.indexOf('.', 4) + 1) + 1)) || n.contains(".skipped-"))
                    .count();
        }
        return new Check(dup, jobs - recorded);
    }

    static List<JobSummary> listAll(URI moto) {
        List<JobSummary> all = new ArrayList<>();
        try (BatchClient b = BatchClient.builder().endpointOverride(moto).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))).build()) {
            for (JobStatus st : List.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE, JobStatus.STARTING,
                    JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED)) {
                String next = null;
                do {
                    String t = next;
                    var r = b.listJobs(x -> x.jobQueue("bench-q").jobStatus(st).nextToken(t));
                    r.jobSummaryList().stream().filter(s -> s.status() == st).forEach(all::add);
                    next = r.nextToken();
                } while (next != null);
            }
        }
        return all;
    }

    static long countOnAws(URI moto) {
        return listAll(moto).size();
    }

    static Path prepare(Path run, URI endpoint, String submitRate, Path csv) throws Exception {
        if (Files.exists(run)) {
            try (Stream<Path> s = Files.walk(run)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(run);
        Properties p = new Properties();
        p.put("camel.main.name", "caravan-bench");
        p.put("caravan.tracking.dir", run.resolve("tracking").toString());
        p.put("caravan.work.dir", run.resolve("work").toString());
        p.put("caravan.tracking.push-interval", "3h");
        p.put("caravan.env.aws.backend", "awsbatch");
        p.put("caravan.env.aws.region", "us-east-1");
        p.put("caravan.env.aws.endpoint", endpoint.toString());
        p.put("caravan.env.aws.max-parallel-runs", "100000");
        p.put("caravan.env.aws.excessive-failure-threshold", "0");
        if (submitRate != null) {
            p.put("caravan.env.aws.submit-rate", submitRate);
        }
        try (var w = Files.newBufferedWriter(run.resolve("c.properties"))) {
            p.store(w, "bench");
        }
        String conf = run.resolve("c.properties").toString();
        check(caravan("project", "import", "bench", "--metadata", csv.toString(), "--config", conf));
        check(caravan("project", "create", "bench", "--template", csv.resolveSibling("workflow.json").toString(), "--config", conf));
        return run;
    }

    static void check(Run r) {
        if (!r.code.equals("0")) {
            throw new IllegalStateException("exit " + r.code + ": " + r.err + r.out);
        }
    }

    static Run caravan(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        int code = Caravan.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(Integer.toString(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8),
                (System.nanoTime() - t0) / 1e9);
    }

    static void awaitUp(URI moto) throws Exception {
        HttpClient c = HttpClient.newHttpClient();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (c.send(HttpRequest.newBuilder(moto.resolve("/moto-api/data.json")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
    }

    static void reset(URI moto) throws Exception {
        HttpClient c = HttpClient.newHttpClient();
        c.send(HttpRequest.newBuilder(moto.resolve("/moto-api/reset")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        c.send(HttpRequest.newBuilder(moto.resolve("/moto-api/config"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"batch\": {\"use_docker\": false}}")).build(),
                HttpResponse.BodyHandlers.discarding());
        String policy = java.net.URLEncoder.encode("{\"Version\":\"2012-10-17\",\"Statement\":[]}", StandardCharsets.UTF_8);
        HttpResponse<String> role = c.send(HttpRequest.newBuilder(moto.resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString("Action=CreateRole&Version=2010-05-08&RoleName=bench&AssumeRolePolicyDocument=" + policy))
                .build(), HttpResponse.BodyHandlers.ofString());
        String arn = role.body().substring(role.body().indexOf("<Arn>") + 5, role.body().indexOf("</Arn>"));
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        try (BatchClient b = BatchClient.builder().endpointOverride(moto).region(Region.US_EAST_1).credentialsProvider(creds).build();
             S3Client s3 = S3Client.builder().endpointOverride(moto).region(Region.US_EAST_1).credentialsProvider(creds)
                     .forcePathStyle(true).build()) {
            String ce = b.createComputeEnvironment(r -> r.computeEnvironmentName("bench-ce").type(CEType.UNMANAGED).serviceRole(arn))
                    .computeEnvironmentArn();
            b.createJobQueue(r -> r.jobQueueName("bench-q").priority(1).state(JQState.ENABLED)
                    .computeEnvironmentOrder(o -> o.order(1).computeEnvironment(ce)));
            for (String d : List.of("align", "dedup", "call", "qc")) {
                b.registerJobDefinition(r -> r.jobDefinitionName(d).type(JobDefinitionType.CONTAINER)
                        .containerProperties(x -> x.image("busybox").vcpus(1).memory(128)));
            }
            s3.createBucket(x -> x.bucket("bench-out"));
        }
    }

    static long peakHeapReset() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
                p.resetPeakUsage();
            }
        }
        return sum;
    }

    static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
