package dev.caravan.report;

import dev.caravan.model.State;

import java.util.Map;
import java.util.SortedMap;

/**
 * {@code GROUP state N} lines: groups sorted, then backlog, queued, failed, completed (always, as ICGC's
 * shell loop prints them), then any other state folder of the group that holds jobs: an empty {@code onhold}
 * folder gets no line, as in the shell loop's output.
 */
public final class StateReport {

    private StateReport() {
    }

    public static String render(SortedMap<String, SortedMap<State, Integer>> counts) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, SortedMap<State, Integer>> g : counts.entrySet()) {
            int total = g.getValue().values().stream().mapToInt(Integer::intValue).sum();
            if (total == 0) {
                continue;
            }
            for (State s : State.KNOWN) {
                line(sb, g.getKey(), s, g.getValue().getOrDefault(s, 0));
            }
            g.getValue().forEach((s, n) -> {
                if (!s.isKnown() && n > 0) {
                    line(sb, g.getKey(), s, n);
                }
            });
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String group, State s, int n) {
        sb.append(group).append(' ').append(s.name()).append(' ').append(n).append('\n');
    }
}
