package dev.caravan.bench.aws;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * moto's own ceiling for the benchmark's work: the same SAMPLES × 4 chained SubmitJob calls sent by the leanest client
 * there is (the JDK's HTTP client, bodies written by hand, no SDK, no signing, no tracking), several samples at a
 * time. No scheduler can submit to this moto faster than this, so it bounds what "n × aws-batch-helpers" can mean on
 * the machine: moto_server answers under one Python interpreter lock, so it uses about one core however many requests
 * arrive at once.
 */
final class MotoCeiling {

    private static final Pattern JOB_ID = Pattern.compile("\"jobId\":\\s*\"([^\"]+)\"");
    private static final String[] ANALYSES = {"align", "dedup", "call", "qc"};

    record Result(int jobs, double seconds, double motoCpuSeconds) {
        double rate() {
            return jobs / seconds;
        }
    }

    private MotoCeiling() {
    }

    /** Submits {@code samples} chains of 4 to {@code moto}, {@code parallel} chains at a time; moto's CPU from {@code server}. */
    static Result run(URI moto, ProcessHandle server, int samples, int parallel) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        double cpu0 = cpuSeconds(server);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> chains = new ArrayList<>();
            for (int t = 0; t < parallel; t++) {
                chains.add(pool.submit(() -> {
                    for (int s = next.getAndIncrement(); s < samples; s = next.getAndIncrement()) {
                        String previous = null;
                        for (String analysis : ANALYSES) {
                            previous = submit(client, moto, "ceiling-S" + s + "-" + analysis, analysis, previous);
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : chains) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Result(done.get(), secs, cpuSeconds(server) - cpu0);
    }

    private static String submit(HttpClient client, URI moto, String name, String definition, String after) throws Exception {
        String body = "{\"jobName\":\"" + name + "\",\"jobQueue\":\"bench-q\",\"jobDefinition\":\"" + definition + "\""
                + (after == null ? "" : ",\"dependsOn\":[{\"jobId\":\"" + after + "\"}]") + "}";
        HttpRequest request = HttpRequest.newBuilder(moto.resolve("/v1/submitjob"))
                .header("Content-Type", "application/json")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/batch/aws4_request, "
                        + "SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
        Matcher m = JOB_ID.matcher(answer.body());
        if (answer.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("SubmitJob " + name + ": " + answer.statusCode() + " " + answer.body());
        }
        return m.group(1);
    }

    /** CPU time of a process and its descendants (moto_server may run under a launcher shim). */
    static double cpuSeconds(ProcessHandle server) {
        double sum = 0;
        for (ProcessHandle p : (Iterable<ProcessHandle>) () -> java.util.stream.Stream.concat(java.util.stream.Stream.of(server),
                server.descendants()).iterator()) {
            sum += p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        }
        return sum;
    }
}
