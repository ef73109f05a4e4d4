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
import java.util.Optional;
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
                {"job_definition": "align", "queue": "bench-q", "description": "align reads",
                 "parameters": {"input": "{_filepath}", "output": "s3://{bucket}/{project_name}/{_sample}/align.bam"},
                 "containerOverrides": {"vcpus": 4, "memory": 16000},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/align.bam"]},
                {"job_definition": "dedup", "queue": "bench-q",
                 "parameters": {"input": "s3://{bucket}/{project_name}/{_sample}/align.bam"},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/dedup.bam"]},
                {"job_definition": "call", "queue": "bench-q",
                 "parameters": {"input": "s3://{bucket}/{project_name}/{_sample}/dedup.bam"},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/calls.vcf"]},
                {"job_definition": "qc", "queue": "bench-q",
                 "parameters": {"input": "s3://{bucket}/{project_name}/{_sample}/calls.vcf"},
                 "outputs": ["s3://{bucket}/{project_name}/{_sample}/qc.json"]}
              ]
            }
            """;

    record Run(String code, String out, String err, double seconds) {
    }

    /** One row of the table: a pass of one program. */
    record Row(String pass, String program, long onAws, String time, double rate, String throttled, long duplicates,
               long lost, String calls, String memory) {
        String md() {
            return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", pass, program,
                    onAws < 0 ? "-" : Long.toString(onAws), time, rate < 0 ? "-" : String.format(Locale.ROOT, "%.1f", rate),
                    throttled, duplicates < 0 ? "-" : Long.toString(duplicates), lost < 0 ? "-" : Long.toString(lost), calls,
                    memory);
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> pos = new ArrayList<>();
        Optional<String> peerArg = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--peer") && i + 1 < args.length) {
                peerArg = Optional.of(args[++i]);
            } else {
                pos.add(args[i]);
            }
        }
        Path out = Path.of(pos.size() > 0 ? pos.get(0) : "bench/out/aws").toAbsolutePath();
        int samples = pos.size() > 1 ? Integer.parseInt(pos.get(1)) : 2500;
        Files.createDirectories(out);
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        Object located = AwsPeer.locate(Path.of("").toAbsolutePath(), peerArg);
        AwsPeer peer = located instanceof AwsPeer p ? p : null;
        String peerNote = peer != null ? "aws-batch-helpers: " + peer.describe() + ", run by " + AwsPeer.PYTHON
                + " through bench/peers/aws_batch_helpers.py" : "aws-batch-helpers " + located;
        System.err.println(peerNote);
        String loadBefore = load();
        List<Row> rows = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        List<String> notes = new ArrayList<>();
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
            Row c1 = null;
            Row p1 = null;
            double c1Throttled = -1;
            if (System.getenv("BENCH_SKIP_THROTTLED") == null) {
                String pass = "submit through the 50/s proxy";
                reset(motoUri);
                try (ThrottlingProxy proxy = new ThrottlingProxy(motoUri, 50)) {
                    c1 = caravanSubmit(pass, "Caravan (submit-rate 50, its default)", out.resolve("throttled"),
                            proxy.endpoint(), null, csv, motoUri, jobs, proxy);
                    c1Throttled = 100.0 * proxy.throttled.get() / Math.max(1, proxy.submits.get());
                    rows.add(c1);
                }
                if (peer != null) {
                    reset(motoUri);
                    try (ThrottlingProxy proxy = new ThrottlingProxy(motoUri, 50)) {
                        p1 = peerSubmit(peer, out.resolve("peer-throttled"), proxy.endpoint(), csv, motoUri, jobs, pass, proxy);
                        rows.add(p1);
                    }
                    rows.add(ratioRow(pass, c1, p1));
                } else {
                    rows.add(skippedRow(pass, located));
                }
            }

            if (c1 != null) {
                boolean ok = c1.rate() >= 49.5 && c1.duplicates() == 0 && c1.lost() == 0 && c1Throttled < 1.0;
                targets.add(target("submit through the 50/s proxy: ≥ 49.5 jobs/s, < 1% throttled, 0 duplicates, 0 lost", ok,
                        String.format(Locale.ROOT, "%.1f jobs/s, %s throttled, %d duplicates, %d lost", c1.rate(), c1.throttled(),
                                c1.duplicates(), c1.lost())));
            }
            // BENCH_ONLY_THROTTLED: pass 1 alone (its 10,000 jobs take 200 s on their own)
            if (System.getenv("BENCH_ONLY_THROTTLED") == null) {
                // --- 2: straight to moto, no client-side limit ------------------------------------------------
                String pass2 = "submit straight to moto";
                reset(motoUri);
                Path run = out.resolve("unthrottled");
                double cpu0 = MotoCeiling.cpuSeconds(moto.toHandle());
                Row c2 = caravanSubmit(pass2, "Caravan (submit-rate 0: no limit)", run, motoUri, "0", csv, motoUri, jobs, null);
                notes.add(motoCpu("Caravan's pass", MotoCeiling.cpuSeconds(moto.toHandle()) - cpu0, c2));

                // --- 3: status pass over everything in flight --------------------------------------------------
                String pass3 = "status pass";
                peakHeapReset();
                Run st = caravan("project", "status", "bench", "--config", run.resolve("c.properties").toString());
                long heap = peakHeap();
                Matcher m = Pattern.compile("\\((\\d+) DescribeJobs calls for (\\d+) jobs in flight, (\\d+) ms\\)").matcher(st.out);
                if (!m.find()) {
                    throw new IllegalStateException("no status line in: " + st.out + st.err);
                }
                double statusSecs = Integer.parseInt(m.group(3)) / 1000.0;
                int inFlight = Integer.parseInt(m.group(2));
                int describeCalls = Integer.parseInt(m.group(1));
                Row c3 = new Row(pass3, "Caravan", inFlight, String.format(Locale.ROOT, "%.2f s (command %.1f s)", statusSecs,
                        st.seconds), -1, "-", -1, -1, describeCalls + " DescribeJobs, 4 side by side", (heap >> 20) + " MiB heap");
                System.err.println("status: " + st.out.strip());

                Row p2 = null;
                AwsPeer.Run ps = null;
                if (peer != null) {
                    reset(motoUri);
                    Path pdir = out.resolve("peer-unthrottled");
                    double pcpu0 = MotoCeiling.cpuSeconds(moto.toHandle());
                    p2 = peerSubmit(peer, pdir, motoUri, csv, motoUri, jobs, pass2, null);
                    notes.add(motoCpu("aws-batch-helpers' pass", MotoCeiling.cpuSeconds(moto.toHandle()) - pcpu0, p2));
                    ps = peer.run(pdir, motoUri, "status", "status", "bench/wgs.json");
                    AwsPeer.check(ps, "status");
                }
                rows.add(c2);
                if (p2 != null) {
                    rows.add(p2);
                    rows.add(ratioRow(pass2, c2, p2));
                } else {
                    rows.add(skippedRow(pass2, located));
                }
                // moto's own ceiling: what no client can exceed on this machine (BENCH_SKIP_CEILING skips it)
                MotoCeiling.Result ceiling = null;
                if (System.getenv("BENCH_SKIP_CEILING") == null) {
                    reset(motoUri);
                    ceiling = MotoCeiling.run(motoUri, moto.toHandle(), samples, 4);
                    rows.add(new Row(pass2, "moto's ceiling: a lean client (JDK HTTP, no SDK, SubmitJob only), 4 chains at a time",
                            ceiling.jobs(), String.format(Locale.ROOT, "%.1f s", ceiling.seconds()), ceiling.rate(), "-", -1, -1,
                            ceiling.jobs() + " SubmitJob", "-"));
                    notes.add(String.format(Locale.ROOT, "moto's ceiling: %.1f jobs/s; moto's CPU %.1f s in %.1f s = %.0f%% of one core"
                            + " (%.2f ms a SubmitJob)", ceiling.rate(), ceiling.motoCpuSeconds(), ceiling.seconds(),
                            100 * ceiling.motoCpuSeconds() / ceiling.seconds(), 1000 * ceiling.motoCpuSeconds() / ceiling.jobs()));
                }
                rows.add(c3);
                if (ps != null) {
                    rows.add(new Row(pass3, "aws-batch-helpers", -1, String.format(Locale.ROOT, "%.2f s (process %.1f s)",
                            ps.innerSeconds(), ps.wallSeconds()), -1, "-", -1, -1, ps.calls("DescribeJobs") + " DescribeJobs, one at a time;"
                            + " first " + ps.calls("ListObjectsV2") + " ListObjectsV2 (its S3 output check)", ps.maxRssKib() / 1024 + " MiB RSS"));
                    rows.add(new Row(pass3, "ratio Caravan ÷ aws-batch-helpers", -1, String.format(Locale.ROOT,
                            "%.2f× (DescribeJobs pass ÷ its command); %.2f× (whole commands, JVM and interpreter start included)",
                            statusSecs / ps.innerSeconds(), st.seconds / ps.wallSeconds()), -1, "-", -1, -1, "-", "-"));
                } else {
                    rows.add(skippedRow(pass3, located));
                }

                // --- issue 15's targets --------------------------------------------------------------------------
                if (p2 != null) {
                    targets.add(target("submit straight to moto: ≥ 2× aws-batch-helpers' jobs/s", c2.rate() >= 2 * p2.rate(),
                            String.format(Locale.ROOT, "%.1f ÷ %.1f jobs/s = %.2f×", c2.rate(), p2.rate(), c2.rate() / p2.rate())
                                    + (ceiling == null ? "" : String.format(Locale.ROOT, "; 2× needs %.1f jobs/s, moto's ceiling is %.1f"
                                    + " (%.2f× the peer; Caravan at %.0f%% of it)", 2 * p2.rate(), ceiling.rate(),
                                    ceiling.rate() / p2.rate(), 100 * c2.rate() / ceiling.rate()))));
                } else {
                    targets.add("| submit straight to moto: ≥ 2× aws-batch-helpers' jobs/s | Caravan " + String.format(Locale.ROOT,
                            "%.1f jobs/s", c2.rate()) + " | skipped: no peer |");
                }
                if (ps != null) {
                    int expected = (inFlight + 99) / 100;
                    targets.add(target("status pass: ≤ 0.5× aws-batch-helpers' time, ⌈in flight / 100⌉ DescribeJobs",
                            statusSecs <= 0.5 * ps.innerSeconds() && describeCalls == expected,
                            String.format(Locale.ROOT, "%.2f s ÷ %.2f s = %.2f×; %d calls for %d in flight (⌈/100⌉ = %d)", statusSecs,
                                    ps.innerSeconds(), statusSecs / ps.innerSeconds(), describeCalls, inFlight, expected)));
                } else {
                    targets.add("| status pass: ≤ 0.5× aws-batch-helpers' time | Caravan " + String.format(Locale.ROOT, "%.2f s",
                            statusSecs) + " | skipped: no peer |");
                }
            }
        } finally {
            moto.descendants().forEach(ProcessHandle::destroy);
            moto.destroy();
        }
        String table = "- " + Runtime.getRuntime().availableProcessors() + " cores, java " + System.getProperty("java.version")
                + ", " + samples + " samples × 4 analyses, load average before " + loadBefore + ", after " + load() + "\n- "
                + peerNote + "\n\n"
                + "| pass | program | jobs on AWS | time | jobs/s | throttled answers | duplicates | lost | API calls | memory |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                + String.join("\n", rows.stream().map(Row::md).toList()) + "\n\n"
                + (notes.isEmpty() ? "" : "- " + String.join("\n- ", notes) + "\n\n")
                + "| issue 15 target | figure | result |\n| --- | --- | --- |\n" + String.join("\n", targets) + "\n";
        Files.writeString(out.resolve("results.md"), table);
        System.out.print(table);
        System.exit(0);
    }

    /** Caravan's own way: {@code project import}, {@code create} (not timed), then the timed {@code project submit}. */
    static Row caravanSubmit(String pass, String program, Path dir, URI endpoint, String submitRate, Path csv, URI moto,
                             int jobs, ThrottlingProxy proxy) throws Exception {
        Path run = prepare(dir, endpoint, submitRate, csv);
        peakHeapReset();
        long start = System.nanoTime();
        Run r = caravan("project", "submit", "bench", "--config", run.resolve("c.properties").toString());
        long end = System.nanoTime();
        long heap = peakHeap();
        double secs = submitSeconds(r);
        if (proxy != null) {
            System.err.println(spans("Caravan", start, end, proxy));
        }
        long onAws = countOnAws(moto);
        Check c = check(run, moto, jobs);
        System.err.println(pass + ": " + r.out.strip());
        return new Row(pass, program, onAws, String.format(Locale.ROOT, "%.1f s", secs), onAws / secs,
                proxy == null ? "-" : throttled(proxy), c.duplicates, c.lost,
                proxy == null ? "-" : proxy.submits.get() + " SubmitJob", (heap >> 20) + " MiB heap");
    }

    /** Where a throttled pass's time went, on the proxy's clock: before the first SubmitJob, between, after the last. */
    static String spans(String who, long start, long end, ThrottlingProxy proxy) {
        long first = proxy.firstSubmitNanos.get();
        long last = proxy.lastSubmitAnsweredNanos.get();
        return String.format(Locale.ROOT, "%s spans: command %.2f s = %.2f s to the first SubmitJob + %.2f s first to last"
                + " SubmitJob answered + %.2f s after it", who, (end - start) / 1e9, (first - start) / 1e9, (last - first) / 1e9,
                (end - last) / 1e9);
    }

    static String throttled(ThrottlingProxy proxy) {
        return String.format(Locale.ROOT, "%d of %d (%.2f%%)", proxy.throttled.get(), proxy.submits.get(),
                100.0 * proxy.throttled.get() / Math.max(1, proxy.submits.get()));
    }

    static String target(String what, boolean ok, String figure) {
        return "| " + what + " | " + figure + " | " + (ok ? "PASS" : "FAIL") + " |";
    }

    static Row ratioRow(String pass, Row caravan, Row peer) {
        return new Row(pass, "ratio Caravan ÷ aws-batch-helpers", -1, String.format(Locale.ROOT, "%.2f× the jobs/s",
                caravan.rate() / peer.rate()), -1, "-", -1, -1, "-", "-");
    }

    static Row skippedRow(String pass, Object why) {
        return new Row(pass, "aws-batch-helpers", -1, String.valueOf(why), -1, "-", -1, -1, "-", "-");
    }

    /**
     * aws-batch-helpers' own way: {@code batch_project import}, {@code create}, then {@code submit} against
     * {@code endpoint}. Its rate is the jobs on AWS over the time in the submit command (interpreter start and imports
     * excluded, as Caravan's figure excludes the JVM's start); lost: jobs of the project without a job id that AWS has.
     */
    static Row peerSubmit(AwsPeer peer, Path dir, URI endpoint, Path csv, URI moto, int jobs, String pass,
                          ThrottlingProxy proxy) throws Exception {
        clean(dir);
        AwsPeer.check(peer.run(dir, moto, "import", "import", "bench", "--metadata", csv.toString()), "import");
        AwsPeer.check(peer.run(dir, moto, "create", "create", "bench", "--template", csv.resolveSibling("workflow.json").toString()), "create");
        long start = System.nanoTime();
        AwsPeer.Run r = peer.run(dir, endpoint, "submit", "submit", "bench/wgs.json");
        long end = System.nanoTime();
        if (proxy != null) {
            System.err.println(spans("aws-batch-helpers", start, end, proxy) + " (process; its own clock " + r.innerSeconds() + " s)");
        }
        OnAws aws = onAws(moto);
        Set<String> saved = AwsPeer.savedJobIds(dir.resolve("bench/wgs.json"));
        long lost = jobs - saved.stream().filter(aws.ids()::contains).count();
        long dup = aws.duplicates();
        List<JobSummary> all = aws.all();
        String time = String.format(Locale.ROOT, "%.1f s (process %.1f s)%s", r.innerSeconds(), r.wallSeconds(),
                r.exit() == 0 ? "" : ", exit " + r.exit() + ": ids not saved");
        System.err.println("aws-batch-helpers " + pass + ": exit " + r.exit() + ", " + r.calls() + ", attempts " + r.attempts());
        return new Row(pass, "aws-batch-helpers", all.size(), time, all.size() / r.innerSeconds(),
                proxy == null ? "-" : throttled(proxy), dup, lost,
                r.calls("SubmitJob") + " SubmitJob (" + r.retries("SubmitJob") + " retried), " + r.calls("ListObjectsV2")
                        + " ListObjectsV2", r.maxRssKib() / 1024 + " MiB RSS");
    }

    /** moto's CPU over a pass: how close the pass came to moto's one-core limit. */
    static String motoCpu(String pass, double cpuSeconds, Row row) {
        String note = String.format(Locale.ROOT, "moto's CPU in %s (straight to moto): %.1f s for %d jobs (%.2f ms a job; the"
                + " pass's own time is in its row)", pass, cpuSeconds, row.onAws(), 1000 * cpuSeconds / Math.max(1, row.onAws()));
        System.err.println(note);
        return note;
    }

    static String load() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
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

    /** Every job AWS has, their ids, and how many share a name with an earlier one (duplicates). */
    record OnAws(List<JobSummary> all, Set<String> ids, long duplicates) {
    }

    static OnAws onAws(URI moto) {
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
        return new OnAws(all, ids, dup);
    }

    /** Duplicates: AWS jobs sharing a name. Lost: jobs of the tree without a run id that AWS has (or skipped). */
    static Check check(Path run, URI moto, int jobs) throws IOException {
        OnAws aws = onAws(moto);
        Set<String> ids = aws.ids();
        long dup = aws.duplicates();
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

    /** An empty folder {@code dir}, whatever was there. */
    static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
    }

    static Path prepare(Path run, URI endpoint, String submitRate, Path csv) throws Exception {
        clean(run);
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
