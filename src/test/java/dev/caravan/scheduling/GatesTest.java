package dev.caravan.scheduling;

import dev.caravan.model.JobRef;
import dev.caravan.model.Level;
import dev.caravan.model.State;
import dev.caravan.model.Transition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatesTest {

    private static Transition t(String job, State from, State to, String env) {
        return new Transition(new JobRef("PACA-CA", "2021-06-20", job), from, to, env, "test");
    }

    private static Transition failed(String job, String env) {
        return t(job, State.QUEUED, State.FAILED, env);
    }

    @Test
    void noReasonToStopOpensTheGate() {
        GateDecision d = Gates.evaluate("wes", false, false, 3, List.of());

        assertThat(d.releasesAllowed()).isTrue();
        assertThat(d.notifications()).isEmpty();
        assertThat(d.flagText()).isEmpty();
    }

    @Test
    void pauseClosesWithAnInfo() {
        GateDecision d = Gates.evaluate("wes", true, false, 3, List.of());

        assertThat(d.releasesAllowed()).isFalse();
        assertThat(d.notifications()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Level.INFO);
            assertThat(n.text()).contains("wes").contains("pause.wes");
        });
        assertThat(d.flagText()).isEmpty();
    }

    @Test
    void pauseWinsOverFlagAndFailures() {
        GateDecision d = Gates.evaluate("wes", true, true, 1, List.of(failed("job.1", "wes")));

        assertThat(d.releasesAllowed()).isFalse();
        assertThat(d.notifications()).singleElement().extracting(n -> n.level()).isEqualTo(Level.INFO);
        assertThat(d.flagText()).isEmpty();
    }

    @Test
    void aStandingFlagClosesCriticallyWithoutWritingANewOne() {
        GateDecision d = Gates.evaluate("wes", false, true, 1, List.of(failed("job.1", "wes")));

        assertThat(d.releasesAllowed()).isFalse();
        assertThat(d.notifications()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Level.CRITICAL);
            assertThat(n.text()).contains("excessive_failure.wes.txt");
        });
        assertThat(d.flagText()).isEmpty();
    }

    @Test
    void failuresOnThisEnvReachingTheThresholdCloseAndAskForAFlagListingTheJobs() {
        List<Transition> since = List.of(
                failed("job.1", "wes"),
                t("job.2", State.QUEUED, State.COMPLETED, "wes"),
                failed("job.3", "wes"),
                failed("job.9", "local"),
                failed("job.4", "wes"));

        GateDecision d = Gates.evaluate("wes", false, false, 3, since);

        assertThat(d.releasesAllowed()).isFalse();
        assertThat(d.notifications()).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Level.CRITICAL);
            assertThat(n.text()).contains("3 jobs failed on wes").contains("threshold 3");
        });
        String flag = d.flagText().orElseThrow();
        assertThat(flag.lines().filter(l -> !l.startsWith("#")).toList()).containsExactly(
                "PACA-CA/2021-06-20/job.1", "PACA-CA/2021-06-20/job.3", "PACA-CA/2021-06-20/job.4");
        assertThat(flag).doesNotContain("job.9").doesNotContain("job.2");
    }

    @Test
    void oneBelowTheThresholdStaysOpen() {
        GateDecision d = Gates.evaluate("wes", false, false, 3, List.of(failed("job.1", "wes"), failed("job.2", "wes")));

        assertThat(d.releasesAllowed()).isTrue();
        assertThat(d.flagText()).isEmpty();
    }

    @Test
    void failuresOnOtherEnvsDoNotCount() {
        List<Transition> since = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            since.add(failed("job.l" + i, "local"));
        }
        since.add(failed("job.w", "wes"));

        GateDecision d = Gates.evaluate("wes", false, false, 2, since);

        assertThat(d.releasesAllowed()).isTrue();
        assertThat(d.flagText()).isEmpty();
        assertThat(Gates.evaluate("local", false, false, 2, since).releasesAllowed()).isFalse();
    }

    @Test
    void movesIntoOtherStatesDoNotCountAsFailures() {
        List<Transition> since = List.of(
                t("job.1", State.FAILED, State.BACKLOG, "wes"),
                t("job.2", State.FAILED, State.QUEUED, "wes"),
                t("job.3", State.QUEUED, State.of("onhold"), "wes"));

        assertThat(Gates.evaluate("wes", false, false, 1, since).releasesAllowed()).isTrue();
    }

    @Test
    void thresholdZeroDisablesTheFailureGate() {
        List<Transition> since = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            since.add(failed("job." + i, "wes"));
        }

        GateDecision d = Gates.evaluate("wes", false, false, 0, since);

        assertThat(d.releasesAllowed()).isTrue();
        assertThat(d.flagText()).isEmpty();
        assertThat(d.notifications()).isEmpty();
    }
}
