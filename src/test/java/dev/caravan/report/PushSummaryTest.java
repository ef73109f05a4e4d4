package dev.caravan.report;

import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.model.Transition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class PushSummaryTest {

    private static SortedMap<State, Integer> states(Object... stateAndCount) {
        SortedMap<State, Integer> m = new TreeMap<>();
        for (int i = 0; i < stateAndCount.length; i += 2) {
            m.put(State.of((String) stateAndCount[i]), (Integer) stateAndCount[i + 1]);
        }
        return m;
    }

    private static void add(List<Transition> list, int times, String group, State from, State to) {
        for (int i = 0; i < times; i++) {
            list.add(new Transition(new JobRef(group, "b1", from + "-" + to + "-" + i), from, to, "wes", "test"));
        }
    }

    private static SortedMap<String, SortedMap<State, Integer>> counts() {
        SortedMap<String, SortedMap<State, Integer>> counts = new TreeMap<>();
        counts.put("PACA-CA", states("backlog", 1, "queued", 4, "failed", 2, "completed", 1));
        counts.put("EMPTY", states("backlog", 0));
        counts.put("BOCA-UK", states("onhold", 1, "completed", 3, "queued", 1));
        return counts;
    }

    @Test
    void noTransitionsSaysSoThenTotals() {
        assertThat(PushSummary.render(List.of(), counts())).isEqualTo("""
                No job status change.
                Totals:
                BOCA-UK: backlog 0, queued 1, failed 0, completed 3, onhold 1
                PACA-CA: backlog 1, queued 4, failed 2, completed 1
                """);
    }

    @Test
    void transitionsAreCountedPerGroupAndLabelInLifeOrder() {
        List<Transition> since = new ArrayList<>();
        add(since, 1, "PACA-CA", State.QUEUED, State.COMPLETED);
        add(since, 2, "PACA-CA", State.BACKLOG, State.QUEUED);
        add(since, 1, "BOCA-UK", State.FAILED, State.QUEUED);
        add(since, 2, "PACA-CA", State.QUEUED, State.FAILED);
        add(since, 1, "BOCA-UK", State.QUEUED, State.of("onhold"));
        add(since, 2, "PACA-CA", State.BACKLOG, State.QUEUED);

        assertThat(PushSummary.render(since, counts())).isEqualTo("""
                Job status changes since the last push:
                BOCA-UK: queued→onhold 1, failed→queued 1
                PACA-CA: backlog→queued 4, queued→failed 2, queued→completed 1
                Totals:
                BOCA-UK: backlog 0, queued 1, failed 0, completed 3, onhold 1
                PACA-CA: backlog 1, queued 4, failed 2, completed 1
                """);
    }

    @Test
    void noGroupsStillPrintsTheTotalsHeader() {
        assertThat(PushSummary.render(List.of(), new TreeMap<>())).isEqualTo("No job status change.\nTotals:\n");
    }
}
