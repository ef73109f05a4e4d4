package dev.caravan.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JobTest {

    private static final JobRef REF = new JobRef("PACA-CA", "2021-06-20", "job.0001");

    private static RunMarker run(long epoch, String env) {
        return new RunMarker(epoch, env, "r" + epoch);
    }

    @Test
    void aJobWithoutRunsMayRunAnywhereAndIsInFlightNowhere() {
        Job j = new Job(REF, State.QUEUED, List.of());

        assertThat(j.newestRun()).isEmpty();
        assertThat(j.mayRunOn("local")).isTrue();
        assertThat(j.mayRunOn("wes")).isTrue();
        assertThat(j.inFlightOn("local")).isFalse();
    }

    @Test
    void aJobWithRunsOnlyGoesBackToTheEnvOfItsNewestRunWhateverTheGivenOrder() {
        // given newest first: the record sorts its runs oldest first
        Job j = new Job(REF, State.BACKLOG, List.of(run(300, "wes"), run(100, "local"), run(200, "local")));

        assertThat(j.runs()).extracting(RunMarker::epoch).containsExactly(100L, 200L, 300L);
        assertThat(j.newestRun()).contains(run(300, "wes"));
        assertThat(j.mayRunOn("wes")).isTrue();
        assertThat(j.mayRunOn("local")).isFalse();
    }

    @Test
    void inFlightOnlyWhenQueuedAndNewestRunWentThere() {
        List<RunMarker> runs = List.of(run(100, "local"), run(200, "wes"));

        assertThat(new Job(REF, State.QUEUED, runs).inFlightOn("wes")).isTrue();
        assertThat(new Job(REF, State.QUEUED, runs).inFlightOn("local")).isFalse();
        assertThat(new Job(REF, State.BACKLOG, runs).inFlightOn("wes")).isFalse();
        assertThat(new Job(REF, State.FAILED, runs).inFlightOn("wes")).isFalse();
        assertThat(new Job(REF, State.COMPLETED, runs).inFlightOn("wes")).isFalse();
        assertThat(new Job(REF, State.of("onhold"), runs).inFlightOn("wes")).isFalse();
    }

    @Test
    void withRunAddsANewerRunAndWithStateKeepsRuns() {
        Job j = new Job(REF, State.BACKLOG, List.of(run(100, "local")));

        Job moved = j.withRun(run(200, "wes")).withState(State.QUEUED);

        assertThat(moved.inFlightOn("wes")).isTrue();
        assertThat(moved.runs()).hasSize(2);
        assertThat(j.runs()).hasSize(1);
    }

    @Test
    void aNewRunIsAlwaysNewerThanTheLastOneEvenWithinTheSameSecond() {
        assertThat(new Job(REF, State.BACKLOG, List.of()).nextRunEpoch(500)).isEqualTo(500);
        assertThat(new Job(REF, State.BACKLOG, List.of(run(100, "local"))).nextRunEpoch(500)).isEqualTo(500);

        // failed at once and resubmitted in the same second; a run id that sorts first must not win
        Job sameSecond = new Job(REF, State.BACKLOG, List.of(new RunMarker(500, "local", "zzz-old")));
        long next = sameSecond.nextRunEpoch(500);
        assertThat(next).isEqualTo(501);
        Job after = new Job(REF, State.QUEUED, List.of(new RunMarker(500, "local", "zzz-old"), new RunMarker(next, "local", "aaa-new")));
        assertThat(after.newestRun().orElseThrow().runId()).isEqualTo("aaa-new");

        // a clock set back never makes the new run the older one
        assertThat(new Job(REF, State.BACKLOG, List.of(run(900, "local"))).nextRunEpoch(500)).isEqualTo(901);
    }
}
