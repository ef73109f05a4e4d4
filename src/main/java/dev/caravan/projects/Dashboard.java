package dev.caravan.projects;

import dev.caravan.model.Job;
import dev.caravan.model.State;
import dev.caravan.tracking.TrackingTree;
import dev.caravan.tracking.TreeView;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code dashboard}: every project workflow × state, from the tracking tree alone (no AWS call).
 *
 * @param states   the columns: backlog, queued, failed, completed, then any other state a project job is in
 * @param rows     {@code project/workflow} → jobs per state, sorted; a workflow not submitted yet has none
 * @param warnings problems found reading the tree
 */
public record Dashboard(List<String> states, Map<String, Map<String, Integer>> rows, List<String> warnings) {

    /** Any tree folder, read without Git; empty when it has no {@code jobs/}. */
    public static Optional<Dashboard> ofFolder(Path dir) {
        return TrackingTree.readFolder(dir).map(f -> of(f.tree(), f.warnings()));
    }

    public static Dashboard of(TreeView tree, List<String> warnings) {
        Map<String, Map<String, Integer>> rows = new TreeMap<>();
        List<String> states = new ArrayList<>();
        State.KNOWN.forEach(s -> states.add(s.name()));
        for (String g : tree.groups()) {
            for (String wf : ProjectFiles.workflows(tree, g)) {
                rows.put(g + "/" + wf, new TreeMap<>());
            }
        }
        for (Job j : tree.index().all()) {
            Map<String, Integer> row = rows.get(j.ref().group() + "/" + j.ref().batch());
            if (row != null) {
                row.merge(j.state().name(), 1, Integer::sum);
                if (!states.contains(j.state().name())) {
                    states.add(j.state().name());
                }
            }
        }
        return new Dashboard(List.copyOf(states), rows, List.copyOf(warnings));
    }

    public int total(String row) {
        return rows.get(row).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Every job of the workflow has completed. */
    public boolean completed(String row) {
        int total = total(row);
        return total > 0 && rows.get(row).getOrDefault(State.COMPLETED.name(), 0) == total;
    }
}
