package dev.caravan.engine;

import dev.caravan.backend.BackendFactory;
import dev.caravan.backend.local.LocalBackendFactory;
import dev.caravan.model.JobRef;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long release stages its moves while it runs (Releases.STAGE_EVERY at a time), so that the cycle's commit after its
 * last submission has only the last few left to stage: with 10,000 jobs through AWS's 50/s, staging them all after the
 * last submission took seconds on the path of the release's end.
 */
class StageAsItGoesTest {

    private static final String ENV = "local1";
    private static final int JOBS = Releases.STAGE_EVERY + 5;

    @TempDir
    Path dir;

    @Test
    void aLongReleaseHasItsMovesInTheIndexBeforeItEnds() throws Exception {
        for (int i = 1; i <= JOBS; i++) {
            Path job = Files.createDirectories(dir.resolve(String.format("seed/jobs/G/b1/backlog/job.%04d", i)));
            Files.writeString(job.resolve("params.json"), "{\"n\": " + i + "}\n");
        }
        Path remote = GitFixtures.bareRemote(dir.resolve("remote.git"), dir.resolve("seed"));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("caravan.tracking.dir", dir.resolve("tracking").toString());
        p.put("caravan.tracking.remote", remote.toString());
        p.put("caravan.work.dir", dir.resolve("work").toString());
        p.put("caravan.env." + ENV + ".backend", "local");
        p.put("caravan.env." + ENV + ".command", "true");
        p.put("caravan.env." + ENV + ".max-parallel-runs", Integer.toString(JOBS));
        Map<String, BackendFactory> kinds = Map.of("local", new LocalBackendFactory());
        CaravanSettings s = CaravanSettings.read(new TreeSet<>(p.keySet()), k -> Optional.ofNullable(p.get(k)), kinds);
        Path index = dir.resolve("tracking/.git/index");

        try (Engine engine = Engine.open(s, kinds, Clock.systemUTC())) {
            engine.beginCycle();
            ReleasePlan plan = engine.planRelease(ENV);
            List<Release> order = plan.chains().stream().flatMap(List::stream).toList();
            assertThat(order).hasSize(JOBS);
            List<SubmitOutcome> outcomes = new ArrayList<>();
            for (Release r : order.subList(0, Releases.STAGE_EVERY)) {
                outcomes.add(engine.submit(ENV, r));
            }
            assertThat(outcomes).allMatch(o -> o.kind() == SubmitOutcome.Kind.SUBMITTED);
            // the release is not over and nothing committed it: its moves so far are in the index already
            DirCache staged = DirCache.read(index.toFile(), FS.DETECTED);
            for (SubmitOutcome o : outcomes) {
                JobRef j = o.job();
                String base = "jobs/" + j.group() + "/" + j.batch() + "/";
                assertThat(staged.findEntry(base + "queued/" + j.jobId() + "/params.json")).as(j.path()).isGreaterThanOrEqualTo(0);
                assertThat(staged.findEntry(base + "backlog/" + j.jobId() + "/params.json")).as(j.path()).isLessThan(0);
            }
            for (Release r : order.subList(Releases.STAGE_EVERY, JOBS)) {
                outcomes.add(engine.submit(ENV, r));
            }
            engine.releaseDone(plan, outcomes);
            assertThat(outcomes).hasSize(JOBS).allMatch(o -> o.kind() == SubmitOutcome.Kind.SUBMITTED);
            // the last few are staged by the cycle's commit, as before
            assertThat(engine.stageForCommit()).isTrue();
            DirCache all = DirCache.read(index.toFile(), FS.DETECTED);
            for (Release r : order) {
                assertThat(all.findEntry("jobs/G/b1/queued/" + r.job().jobId() + "/params.json")).isGreaterThanOrEqualTo(0);
            }
            // the runs (`true`) outlive the engine: let them write their exit files before the folder is removed
            Poll.until("every run ended", java.time.Duration.ofSeconds(120), () -> order.stream().allMatch(r -> {
                try (var files = Files.list(dir.resolve("work").resolve(r.job().group()).resolve(r.job().batch())
                        .resolve(r.job().jobId()))) {
                    return files.anyMatch(f -> f.getFileName().toString().endsWith(".exit"));
                } catch (java.io.IOException e) {
                    return false;
                }
            }));
        }
    }
}
