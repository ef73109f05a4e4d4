package dev.caravan.engine;

import dev.caravan.testkit.Poll;

import dev.caravan.backend.BackendFactory;
import dev.caravan.backend.local.LocalBackendFactory;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job that failed at once and is released again within the same second: its new run must be the one the
 * scheduler follows, whatever the run ids look like (markers order by epoch, then by name).
 */
class ResubmitSameSecondTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final JobRef JOB = new JobRef("PACA-CA", "2021-06-20", "job.0001");

    @TempDir
    Path dir;

    @Test
    void theNewRunIsTheNewestEvenWhenTheOldOneIsFromThisSecondAndSortsLast() throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed/jobs").resolve(JOB.group()).resolve(JOB.batch())
                .resolve("backlog").resolve(JOB.jobId()));
        Files.writeString(seed.resolve("params.json"), "{\"n\": 1}\n");
        // the earlier run of this second, named to sort after any local run id
        Files.createFile(seed.resolve(new RunMarker(NOW.getEpochSecond(), "local1", "zzz-earlier").fileName()));
        Path remote = GitFixtures.bareRemote(dir.resolve("remote.git"), dir.resolve("seed"));

        Map<String, String> p = new LinkedHashMap<>();
        p.put("caravan.tracking.dir", dir.resolve("tracking").toString());
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.work.dir", dir.resolve("work").toString());
        p.put("caravan.env.local1.backend", "local");
        p.put("caravan.env.local1.command", "true");
        Map<String, BackendFactory> kinds = Map.of("local", new LocalBackendFactory());
        CaravanSettings s = CaravanSettings.read(new TreeSet<>(p.keySet()), k -> Optional.ofNullable(p.get(k)), kinds);

        try (Engine engine = Engine.open(s, kinds, Clock.fixed(NOW, ZoneOffset.UTC))) {
            engine.beginCycle();
            engine.release("local1");

            Job job = engine.inspect(t -> t.index().get(JOB)).orElseThrow();
            assertThat(job.state()).isEqualTo(State.QUEUED);
            assertThat(job.runs()).hasSize(2);
            RunMarker newest = job.newestRun().orElseThrow();
            assertThat(newest.runId()).isNotEqualTo("zzz-earlier");
            assertThat(newest.epoch()).isEqualTo(NOW.getEpochSecond() + 1);
            assertThat(engine.trackingDir().resolve("jobs").resolve(JOB.group()).resolve(JOB.batch())
                    .resolve("queued").resolve(JOB.jobId()).resolve(newest.fileName())).exists();
            // the run (`true`) outlives the engine: let it write its exit file before the folder is removed
            Path runs = dir.resolve("work").resolve(JOB.group()).resolve(JOB.batch()).resolve(JOB.jobId());
            Poll.until("the run ended", java.time.Duration.ofSeconds(20), () -> {
                try (var files = Files.list(runs)) {
                    return files.anyMatch(f -> f.getFileName().toString().endsWith(".exit"));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }
}
