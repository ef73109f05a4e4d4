package dev.caravan.report;

import dev.caravan.model.State;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class StateReportTest {

    private static SortedMap<State, Integer> states(Object... stateAndCount) {
        SortedMap<State, Integer> m = new TreeMap<>();
        for (int i = 0; i < stateAndCount.length; i += 2) {
            m.put(State.of((String) stateAndCount[i]), (Integer) stateAndCount[i + 1]);
        }
        return m;
    }

    @Test
    void groupsSortedFourStatesAlwaysInOrderThenOthersEmptyGroupsOmitted() {
        SortedMap<String, SortedMap<State, Integer>> counts = new TreeMap<>();
        counts.put("ZETA", states("completed", 2));
        counts.put("ALPHA", states("onhold", 3, "queued", 1, "archived", 1, "backlog", 0));
        counts.put("EMPTY", states("backlog", 0, "onhold", 0));
        counts.put("MID", states("failed", 7, "completed", 5, "queued", 4, "backlog", 3));
        counts.put("NOTHING", new TreeMap<>());

        String out = StateReport.render(counts);

        assertThat(out).isEqualTo("""
                ALPHA backlog 0
                ALPHA queued 1
                ALPHA failed 0
                ALPHA completed 0
                ALPHA archived 1
                ALPHA onhold 3
                MID backlog 3
                MID queued 4
                MID failed 7
                MID completed 5
                ZETA backlog 0
                ZETA queued 0
                ZETA failed 0
                ZETA completed 2
                """);
    }

    @Test
    void aGroupWithOnlyJobsInAnotherStateStillPrintsTheFourStates() {
        SortedMap<String, SortedMap<State, Integer>> counts = new TreeMap<>(Map.of("CLLE-ES", states("onhold", 1)));

        assertThat(StateReport.render(counts)).isEqualTo("""
                CLLE-ES backlog 0
                CLLE-ES queued 0
                CLLE-ES failed 0
                CLLE-ES completed 0
                CLLE-ES onhold 1
                """);
    }

    @Test
    void emptyOtherStateOfAGroupWithJobsIsLeftOut() {
        // the real 2021-09-01 tree has empty CLLE-ES/*/onhold folders; ICGC's loop prints no line for them
        SortedMap<String, SortedMap<State, Integer>> counts = new TreeMap<>(
                Map.of("CLLE-ES", states("completed", 9, "onhold", 0)));

        assertThat(StateReport.render(counts)).endsWith("CLLE-ES completed 9\n").doesNotContain("onhold");
    }

    @Test
    void noGroupsNoLines() {
        assertThat(StateReport.render(new TreeMap<>())).isEmpty();
    }
}
