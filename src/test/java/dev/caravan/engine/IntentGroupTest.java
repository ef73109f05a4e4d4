package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.BackendFactory;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.backend.local.LocalBackendFactory;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import dev.caravan.model.State;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;
import dev.caravan.tracking.Intent;
import dev.caravan.tracking.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Submit intents are written in groups of a release's next submissions (Releases.INTENT_GROUP). Chains go side by side,
 * so submissions run out of the plan's order: a job whose submission is under way (still in the backlog) must not be
 * given a second intent by the group another submission writes meanwhile, or one of the two would never be settled.
 */
class IntentGroupTest {

    private static final String ENV = "local1";
    private static final int JOBS = 70;

    @TempDir
    Path dir;

    /** The real local backend; while it submits one chosen job, the test makes another submission (as a pool would). */
    private static final class DuringSubmit implements BackendFactory {
        final LocalBackendFactory local = new LocalBackendFactory();
        volatile JobRef when;
        volatile Runnable then;

        @Override
        public String kind() {
            return local.kind();
        }

        @Override
        public Set<String> settingKeys() {
            return local.settingKeys();
        }

        @Override
        public void validate(Environment env) {
            local.validate(env);
        }

        @Override
        public Backend create(Environment env, BackendContext context) {
            Backend b = local.create(env, context);
            return new Backend() {
                @Override
                public String submit(SubmitRequest request) throws BackendException {
                    if (request.job().equals(when)) {
                        then.run();
                    }
                    return b.submit(request);
                }

                @Override
                public Optional<String> findSubmission(SubmitRequest request) throws BackendException {
                    return b.findSubmission(request);
                }

                @Override
                public Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException {
                    return b.poll(runs);
                }

                @Override
                public void cancel(RunHandle run, String reason) throws BackendException {
                    b.cancel(run, reason);
                }
            };
        }
    }

    @Test
    void aSubmissionUnderWayIsNeverGivenASecondIntentAndEveryGroupIsSettled() throws Exception {
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
        DuringSubmit kind = new DuringSubmit();
        Map<String, BackendFactory> kinds = Map.of("local", kind);
        CaravanSettings s = CaravanSettings.read(new TreeSet<>(p.keySet()), k -> Optional.ofNullable(p.get(k)), kinds);

        try (Engine engine = Engine.open(s, kinds, Clock.systemUTC())) {
            engine.beginCycle();
            ReleasePlan plan = engine.planRelease(ENV);
            List<Release> order = plan.chains().stream().flatMap(List::stream).toList();
            assertThat(order).hasSize(JOBS);
            Release late = order.get(66); // beyond the first group: its own group is itself and the plan's first 63
            Release other = order.get(64); // its group takes the next ones from the plan, `late` among them
            List<SubmitOutcome> outcomes = new ArrayList<>();
            List<Intent> openWhileLateIsUnderWay = new ArrayList<>();
            kind.when = late.job();
            kind.then = () -> {
                outcomes.add(engine.submit(ENV, other));
                openWhileLateIsUnderWay.addAll(new Journal(engine.stateDir()).intents());
            };
            outcomes.add(engine.submit(ENV, late));
            // one intent per job under way or planned: `late` once, though the second group was written meanwhile
            assertThat(openWhileLateIsUnderWay.stream().filter(i -> i.job().equals(late.job()))).hasSize(1);
            for (Release r : order) {
                if (!r.equals(late) && !r.equals(other)) {
                    outcomes.add(engine.submit(ENV, r));
                }
            }
            engine.releaseDone(plan, outcomes);

            assertThat(outcomes).allMatch(o -> o.kind() == SubmitOutcome.Kind.SUBMITTED);
            for (Release r : order) {
                Job job = engine.inspect(t -> t.index().get(r.job())).orElseThrow();
                assertThat(job.state()).as(r.job().path()).isEqualTo(State.QUEUED);
                assertThat(job.runs()).as(r.job().path()).hasSize(1);
            }
            // every intent settled, every group file gone
            assertThat(new Journal(engine.stateDir()).intents()).isEmpty();
            try (var files = Files.list(engine.stateDir().resolve("intents"))) {
                assertThat(files.toList()).isEmpty();
            }
            // the runs (`true`) outlive the engine: let them write their exit files before the folder is removed
            Poll.until("every run ended", java.time.Duration.ofSeconds(60), () -> order.stream().allMatch(r -> {
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
