package dev.caravan.bench.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * aws-batch-helpers' {@code batch_project} as a peer: run unchanged by Debian's {@code /usr/bin/python3} through
 * {@code bench/peers/aws_batch_helpers.py}, which points its boto3 clients at moto (or the throttling proxy) and counts
 * its API calls with botocore's event hooks.
 */
final class AwsPeer {

    static final String PYTHON = Optional.ofNullable(System.getenv("PEER_PYTHON")).orElse("/usr/bin/python3");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One command: exit status, output, wall time (process), time in the command, calls per operation. */
    record Run(int exit, String output, double wallSeconds, double innerSeconds, Map<String, Integer> calls,
               Map<String, Integer> attempts, long maxRssKib) {
        int calls(String op) {
            return calls.getOrDefault(op, 0);
        }

        int retries(String op) {
            return attempts.getOrDefault(op, 0) - calls(op);
        }
    }

    private final Path seed;
    private final Path wrapper;

    private AwsPeer(Path seed, Path wrapper) {
        this.seed = seed;
        this.wrapper = wrapper;
    }

    /**
     * The peer, or why there is none: {@code --peer DIR}, else {@code AWS_BATCH_HELPERS_DIR}, else
     * {@code bench/out/peers/aws-batch-helpers} (made by {@code bench/peers/setup}); DIR holds {@code batch_project/}.
     */
    static Object locate(Path root, Optional<String> arg) throws Exception {
        String dir = arg.or(() -> Optional.ofNullable(System.getenv("AWS_BATCH_HELPERS_DIR")))
                .orElse(root.resolve("bench/out/peers/aws-batch-helpers").toString());
        Path seed = Path.of(dir).toAbsolutePath();
        if (!Files.isRegularFile(seed.resolve("batch_project/lib.py"))) {
            return "skipped: no copy of aws-batch-helpers at " + seed + " (run bench/peers/setup, or give --peer DIR or"
                    + " AWS_BATCH_HELPERS_DIR)";
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import boto3, pandas, tabulate").redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            return "skipped: " + PYTHON + " cannot import boto3, pandas, tabulate (run bench/peers/setup)";
        }
        return new AwsPeer(seed, root.resolve("bench/peers/aws_batch_helpers.py"));
    }

    String describe() {
        try {
            Process p = new ProcessBuilder("git", "-C", seed.toString(), "rev-parse", "--short=10", "HEAD")
                    .redirectErrorStream(true).start();
            String c = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return seed + (p.waitFor() == 0 ? " @ " + c : "");
        } catch (IOException | InterruptedException e) {
            return seed.toString();
        }
    }

    /** {@code batch_project ARGS} in {@code cwd} against {@code endpoint}; output kept in {@code cwd/NAME.log}. */
    Run run(Path cwd, URI endpoint, String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, wrapper.toString(), seed.toString(), endpoint.toString(), "--"));
        cmd.addAll(List.of(args));
        Path log = cwd.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", "/dev/null"); // nothing from this machine's ~/.aws changes how boto3 behaves
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(30, TimeUnit.MINUTES);
        double wall = (System.nanoTime() - t0) / 1e9;
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        return new Run(ended ? p.exitValue() : -1, out, wall, number(out, "peer-seconds"), counts(out, "peer-calls"),
                counts(out, "peer-attempts"), (long) number(out, "peer-maxrss-kib"));
    }

    static void check(Run r, String what) {
        if (r.exit() != 0) {
            throw new IllegalStateException("aws-batch-helpers " + what + ": exit " + r.exit() + "\n" + tail(r.output()));
        }
    }

    static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    /** Job ids saved in the project's workflow JSON (aws-batch-helpers writes them only when submit ends). */
    static Set<String> savedJobIds(Path workflowJson) throws IOException {
        Set<String> ids = new HashSet<>();
        if (!Files.exists(workflowJson)) {
            return ids;
        }
        JsonNode jobs = JSON.readTree(workflowJson.toFile()).path("jobs");
        jobs.forEach(j -> {
            if (j.hasNonNull("jobId")) {
                ids.add(j.get("jobId").asText());
            }
        });
        return ids;
    }

    private static double number(String out, String key) {
        Matcher m = Pattern.compile(key + "=([0-9.]+)").matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static Map<String, Integer> counts(String out, String key) throws IOException {
        Matcher m = Pattern.compile(key + "=(\\{.*})").matcher(out);
        Map<String, Integer> c = new TreeMap<>();
        if (m.find()) {
            JSON.readTree(m.group(1)).fields().forEachRemaining(e -> c.put(e.getKey(), e.getValue().asInt()));
        }
        return c;
    }
}
