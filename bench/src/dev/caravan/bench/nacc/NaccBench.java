package dev.caravan.bench.nacc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.flywheel.ApiKey;
import dev.caravan.backend.flywheel.FlywheelClient;
import dev.caravan.emulators.flywheel.FlywheelEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.model.Job;
import dev.caravan.model.State;
import dev.caravan.nacc.BatchRunConfig;
import dev.caravan.camel.NaccFlywheel;
import dev.caravan.nacc.NaccPlanner;
import dev.caravan.nacc.NaccSettings;
import org.apache.camel.ProducerTemplate;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * NACC on a large instance: {@code centers} centers (300) whose source projects hold 10 to 100,000 acquisition
 * files (log-uniform, fixed seed), planned with the shipped batch run configs (batch_mode files, batch_size
 * 100,000) through a whole daemon (routes, engine, Git) against the in-process Flywheel of the tests.
 *
 * <p>Measures the planning time and its Flywheel calls, then runs every batch to its end and counts the
 * Flywheel calls of each cycle: while a batch runs, one {@code GET /api/jobs/{id}} per running job and
 * nothing else.
 *
 * <p>Arguments (all optional): {@code centers=300 min=10 max=100000 batch=100000 seed=42 interval=7}.
 */
public final class NaccBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>(Map.of("centers", "300", "min", "10", "max", "100000", "batch", "100000",
                "seed", "42", "interval", "7"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        int centers = Integer.parseInt(a.get("centers"));
        long min = Long.parseLong(a.get("min"));
        long max = Long.parseLong(a.get("max"));
        Configurator.setAllLevels(org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME, Level.ERROR);

        Path dir = Files.createTempDirectory("nacc-bench");
        try (FlywheelEmulator fw = new FlywheelEmulator()) {
            Random rnd = new Random(Long.parseLong(a.get("seed")));
            ObjectNode map = JSON.createObjectNode();
            long allFiles = 0;
            for (int i = 0; i < centers; i++) {
                String group = String.format("adrc-%03d", i);
                long files = Math.round(Math.exp(Math.log(min) + rnd.nextDouble() * (Math.log(max) - Math.log(min))));
                allFiles += files;
                map.putObject(Integer.toString(1000 + i)).put("adcid", 1000 + i).put("name", group).put("group", group)
                        .put("active", true);
                fw.project(group, "retrospective-form", files);
                fw.project(group, "accepted", 0);
            }
            fw.metadata("nacc", map);
            fw.gear("duplicate-aware-project-copy", "1.0.0");
            Path configs = dir.resolve("batch-run-configs.json");
            Files.writeString(configs, """
                    {"source": "retrospective-form", "target": "accepted", "substitute": true, "batch_mode": "files",
                     "batch_size": %s, "gear_name": "duplicate-aware-project-copy",
                     "gear_configs": {"debug": false, "destination_project": "{{target}}",
                       "duplicate_check_projects": "{{target}}", "modified_match_fields": "file.hash",
                       "required_match_fields": "file.name, file.hash", "tag_to_copy": "file-validator-PASS"}}
                    """.formatted(a.get("batch")));

            Map<String, String> p = DaemonHarness.base(dir);
            p.put("caravan.env.fw.backend", "flywheel");
            p.put("caravan.env.fw.url", fw.url());
            p.put("caravan.env.fw.api-key", fw.apiKey());
            p.put("caravan.env.fw.batch-barrier", "true");
            p.put("caravan.env.fw.max-parallel-runs", Integer.toString(centers));
            p.put("caravan.env.fw.excessive-failure-threshold", "0");
            p.put("caravan.env.fw.auto-retry-grace", "0s");
            p.put("caravan.nacc.env", "fw");
            p.put("caravan.nacc.batch-configs-file", configs.toString());
            p.put("caravan.nacc.time-interval", a.get("interval"));
            p.put("caravan.tracking.push-interval", "1d");

            System.out.printf("NACC benchmark: %d centers, %d to %d files each (%d in all), batch_size %s, time_interval %s%n",
                    centers, min, max, allFiles, a.get("batch"), a.get("interval"));

            // the planner alone: center map, time_interval checks, project look-ups, batching (no tree writes)
            URI url = URI.create(fw.url());
            FlywheelClient client = new FlywheelClient(url, ApiKey.parse("bench", fw.apiKey(), url), Duration.ofSeconds(30));
            NaccSettings ns = NaccSettings.read(k -> Optional.ofNullable(p.get(k)));
            for (int round = 1; round <= 3; round++) {
                fw.resetCalls();
                long t0 = System.nanoTime();
                NaccPlanner.Plan plan = new NaccPlanner(new NaccFlywheel(client), Clock.systemUTC())
                        .plan(ns, BatchRunConfig.read(configs));
                System.out.printf("planner alone, round %d: %d ms, %d Flywheel calls, %d centers in %d batches%n", round,
                        (System.nanoTime() - t0) / 1_000_000, fw.totalCalls(), plan.plannedCenters(), plan.batches().size());
            }
            try (DaemonHarness d = DaemonHarness.start(dir, p);
                 ProducerTemplate t = d.context().createProducerTemplate()) {
                fw.resetCalls();
                long t0 = System.nanoTime();
                t.requestBody("direct:nacc-plan", (Object) null);
                long planMs = (System.nanoTime() - t0) / 1_000_000;
                int batches = d.engine().inspect(x -> (int) x.index().all().stream().map(j -> j.ref().batch()).distinct().count());
                System.out.printf("plan through the route (planner, 300 jobs written and staged): %d ms, %d Flywheel calls %s,"
                        + " %d jobs in %d batches%n", planMs, fw.totalCalls(),
                        fw.calls(), d.engine().inspect(x -> x.index().size()), batches);

                System.out.println("cycle  batch  released  in flight  ended  Flywheel calls  by kind                                   cycle ms");
                int cycle = 0;
                int maxRunningCalls = 0;
                boolean oneCallPerRunningJob = true;
                while (true) {
                    List<Job> queuedBefore = d.engine().inspect(x -> List.copyOf(x.index().inState(State.QUEUED)));
                    int backlogBefore = d.engine().inspect(x -> x.index().inState(State.BACKLOG).size());
                    if (queuedBefore.isEmpty() && backlogBefore == 0) {
                        break;
                    }
                    fw.resetCalls();
                    long c0 = System.nanoTime();
                    d.cycle();
                    long ms = (System.nanoTime() - c0) / 1_000_000;
                    cycle++;
                    List<Job> queued = d.engine().inspect(x -> List.copyOf(x.index().inState(State.QUEUED)));
                    int ended = queuedBefore.size() - (int) queuedBefore.stream().filter(j -> queued.stream()
                            .anyMatch(q -> q.ref().equals(j.ref()))).count();
                    int released = fw.calls("POST /api/jobs/add");
                    String batch = queued.isEmpty() ? "-" : queued.get(0).ref().batch().substring(queued.get(0).ref().batch().lastIndexOf('.') + 1);
                    System.out.printf("%5d  %5s  %8d  %9d  %5d  %14d  %-40s  %8d%n", cycle, batch, released, queued.size(),
                            ended, fw.totalCalls(), fw.calls(), ms);
                    if (released == 0 && ended == 0) {
                        // a cycle while the batch runs: exactly one status call per running job
                        maxRunningCalls = Math.max(maxRunningCalls, fw.totalCalls());
                        oneCallPerRunningJob &= fw.totalCalls() == queuedBefore.size()
                                && fw.calls("GET /api/jobs/{id}") == queuedBefore.size();
                        fw.finishAll();   // the batch ends before the next cycle
                    } else {
                        fw.advance();     // the new batch starts running; the next cycle sees it running
                    }
                    if (cycle > 4 * batches + 10) {
                        throw new IllegalStateException("the run does not end");
                    }
                }
                t.requestBody("direct:nacc-watch", (Object) null);
                System.out.printf("run ended after %d cycles; while a batch ran: at most %d Flywheel calls per cycle,"
                        + " one status call per running job: %s%n", cycle, maxRunningCalls, oneCallPerRunningJob);
                if (!oneCallPerRunningJob) {
                    System.exit(1);
                }
            }
        }
    }
}
