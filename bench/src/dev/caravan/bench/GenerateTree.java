package dev.caravan.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static dev.caravan.bench.Bench.*;

/**
 * Makes the generated tree of benchmark 2 with the git CLI: 50 groups × 4 batches × 500 jobs = 100,000 jobs,
 * each with a small params.json; 16 queued with one run marker on env {@code bench}, 100 in backlog (no marker),
 * 1,000 failed and the rest completed (one marker each). Written straight into a bare repo with
 * {@code git fast-import} (one commit on main), then {@code git clone} makes the tracking clone and
 * {@code git checkout -b scheduler} puts it on Caravan's branch, so the daemon opens it as it is.
 */
public final class GenerateTree {

    static final String B = "2 generated 100,000 jobs";
    static final int GROUPS = 50;
    static final int BATCHES = 4;
    static final int JOBS = 500;
    static final long EPOCH = 1_700_000_000L;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        Path remote = out.resolve("remote.git");
        Path tracking = out.resolve("tracking");
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        git(out, "init", "-q", "--bare", "-b", "main", remote.toString());
        int[] counts = fastImport(remote);
        long t1 = System.nanoTime();
        git(out, "clone", "-q", remote.toString(), tracking.toString());
        git(tracking, "checkout", "-q", "-b", "scheduler");
        long t2 = System.nanoTime();
        info(B, "setup: git fast-import of the tree into a bare repo (one commit)", ms(t1 - t0),
                String.format("%,d jobs: %d queued, %d backlog, %,d failed, %,d completed; %,d files", counts[0] + counts[1]
                        + counts[2] + counts[3], counts[0], counts[1], counts[2], counts[3], counts[4]));
        info(B, "setup: git clone + checkout -b scheduler (git CLI)", ms(t2 - t1), "the tracking clone the daemon opens");
        System.exit(0);
    }

    static String state(int i) {
        if (i % 6250 == 3125) {
            return "queued";
        }
        if (i % 1000 == 500) {
            return "backlog";
        }
        if (i % 100 == 7) {
            return "failed";
        }
        return "completed";
    }

    /** Returns {queued, backlog, failed, completed, files}. */
    static int[] fastImport(Path remote) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("git", "fast-import", "--quiet", "--done")
                .directory(remote.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        int[] counts = new int[5];
        try (OutputStream os = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
            w(os, "blob\nmark :1\ndata 0\n\n");
            w(os, "commit refs/heads/main\nmark :2\nauthor Bench <bench@localhost> " + EPOCH + " +0000\n"
                    + "committer Bench <bench@localhost> " + EPOCH + " +0000\ndata 23\ngenerated 100,000 jobs\n\n");
            int i = 0;
            for (int g = 1; g <= GROUPS; g++) {
                String group = String.format(Locale.ROOT, "GRP-%02d", g);
                for (int b = 1; b <= BATCHES; b++) {
                    String batch = String.format(Locale.ROOT, "2024-01-%02d", b);
                    StringBuilder summary = new StringBuilder("# generated\n");
                    for (int j = 1; j <= JOBS; j++, i++) {
                        String job = String.format(Locale.ROOT, "job.%04d", j);
                        String state = state(i);
                        String dir = "jobs/" + group + "/" + batch + "/" + state + "/" + job + "/";
                        String params = "{\n  \"_job_id\": \"" + job + "\",\n  \"study_id\": \"" + group
                                + "\",\n  \"sample\": \"S-" + String.format(Locale.ROOT, "%06d", i)
                                + "\",\n  \"cpus\": 1,\n  \"mem\": 2\n}\n";
                        byte[] pb = params.getBytes(StandardCharsets.UTF_8);
                        w(os, "M 100644 inline " + dir + "params.json\ndata " + pb.length + "\n");
                        os.write(pb);
                        w(os, "\n");
                        counts[4]++;
                        summary.append(job).append('\t').append(i).append('\n');
                        switch (state) {
                            case "queued" -> counts[0]++;
                            case "backlog" -> counts[1]++;
                            case "failed" -> counts[2]++;
                            default -> counts[3]++;
                        }
                        if (!state.equals("backlog")) {
                            long epoch = EPOCH + i;
                            String id = (state.equals("queued") ? "q" : "r") + String.format(Locale.ROOT, "%06d", i);
                            w(os, "M 100644 :1 " + dir + "run." + epoch + ".bench." + id + "\n");
                            counts[4]++;
                        }
                    }
                    byte[] sb = summary.toString().getBytes(StandardCharsets.UTF_8);
                    w(os, "M 100644 inline jobs/" + group + "/" + batch + "/batch-summary.tsv\ndata " + sb.length + "\n");
                    os.write(sb);
                    w(os, "\n");
                    counts[4]++;
                }
            }
            w(os, "\ndone\n");
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("git fast-import failed");
        }
        return counts;
    }

    private static void w(OutputStream os, String s) throws IOException {
        os.write(s.getBytes(StandardCharsets.UTF_8));
    }

}
