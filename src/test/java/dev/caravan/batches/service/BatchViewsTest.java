package dev.caravan.batches.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A batch's kept view with the runner's status: the same view object while every running item is still "running" (so
 * the API writes its JSON once per change, not per GET), a changed copy when one is "moving", the kept view untouched.
 */
class BatchViewsTest {

    private static final List<Job> JOBS = List.of(job("a", State.BACKLOG), job("b", State.QUEUED), job("c", State.QUEUED));

    @Test
    void theKeptViewItselfWhileNoRunningItemMovesItsOutputs() {
        Map<String, Object> view = view();
        assertThat(BatchViews.withRunnerStatus(view, JOBS, j -> Optional.empty())).isSameAs(view);
        assertThat(BatchViews.withRunnerStatus(view, JOBS, j -> Optional.of("running"))).isSameAs(view);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCopyWhenAnItemIsMovingAndTheKeptViewStaysAsItWas() {
        Map<String, Object> view = view();
        String before = view.toString();
        Map<String, Object> now = BatchViews.withRunnerStatus(view, JOBS,
                j -> j.ref().jobId().equals("c") ? Optional.of("moving") : Optional.empty());
        assertThat(now).isNotSameAs(view);
        assertThat(view.toString()).isEqualTo(before);
        assertThat((Map<String, Integer>) now.get("statuses")).containsExactly(Map.entry("moving", 1),
                Map.entry("not run", 1), Map.entry("running", 1));
        List<Map<String, Object>> items = (List<Map<String, Object>>) now.get("items");
        assertThat(items).extracting(i -> i.get("status")).containsExactly("not run", "running", "moving");
        assertThat(items.get(2)).containsEntry("colour", "blue");
        assertThat(items.get(0)).isSameAs(((List<?>) view.get("items")).get(0));
        assertThat(now.get("group")).isEqualTo("g1");
    }

    /** What BatchViews.batch makes for these jobs without the runner's status. */
    private static Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", "g1");
        List<Map<String, Object>> items = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        for (Job j : JOBS) {
            Map<String, Object> item = BatchViews.item(j, Optional.empty());
            statuses.merge((String) item.get("status"), 1, Integer::sum);
            items.add(item);
        }
        m.put("statuses", statuses);
        m.put("items", items);
        return m;
    }

    private static Job job(String id, State state) {
        return new Job(new JobRef("g1", "b1", id), state, List.of());
    }
}
