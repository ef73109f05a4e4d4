package dev.caravan.testkit;

import dev.caravan.emulators.slack.SlackEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One scheduler set-up over real parts: a bare remote seeded with backlog jobs, a local environment
 * whose command appends the job id to {@code runs.log} (so tests can count executions) and fails
 * for jobs whose params say so.
 */
public final class FlowFixture {

    public static final String GROUP = "PACA-CA";
    public static final String BATCH = "2021-06-20";

    public final Path dir;
    public final Path remote;
    public final Path runsLog;
    public final SlackEmulator slack;

    public FlowFixture(Path dir, int jobs, int... failing) throws Exception {
        this.dir = dir;
        this.runsLog = dir.resolve("runs.log");
        Path content = Files.createDirectories(dir.resolve("seed"));
        List<Integer> fails = java.util.Arrays.stream(failing).boxed().toList();
        for (int i = 1; i <= jobs; i++) {
            String id = String.format("job.%04d", i);
            Path d = Files.createDirectories(content.resolve("jobs").resolve(GROUP).resolve(BATCH).resolve("backlog").resolve(id));
            Files.writeString(d.resolve("params.json"), "{\"n\": " + i + ", \"fail\": " + fails.contains(i) + "}\n");
        }
        this.remote = GitFixtures.bareRemote(dir.resolve("remote.git"), content);
        this.slack = new SlackEmulator();
    }

    /** Settings of a daemon on this fixture with one local environment {@code env}. */
    public Map<String, String> settings(String env, int maxParallel) {
        Map<String, String> p = DaemonHarness.base(dir);
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.slack.webhook-url", slack.url());
        p.put("caravan.env." + env + ".backend", "local");
        p.put("caravan.env." + env + ".max-parallel-runs", Integer.toString(maxParallel));
        p.put("caravan.env." + env + ".excessive-failure-threshold", "0");
        p.put("caravan.env." + env + ".command", "echo {job_id} >> " + runsLog + " && [ {params.fail} = false ] || { echo job {job_id} said no >&2; exit 4; }");
        return p;
    }

    public Path tracking() {
        return dir.resolve("tracking");
    }

    /** Job ids under a state folder of the tracking clone's working tree. */
    public List<String> jobsIn(String state) {
        return jobsIn(tracking(), GROUP, BATCH, state);
    }

    /** Job ids under a state folder of a batch in a tracking clone's working tree. */
    public static List<String> jobsIn(Path tracking, String group, String batch, String state) {
        Path d = tracking.resolve("jobs").resolve(group).resolve(batch).resolve(state);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public List<String> runs() {
        try {
            return Files.exists(runsLog) ? Files.readAllLines(runsLog) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Paths in a commit of the remote (or any ref) via the git CLI, to check what others see. */
    public static String git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
