package dev.caravan.report;

import dev.caravan.model.State;
import dev.caravan.model.Transition;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** The Slack text after a push: per group the old→new counts since the previous push, then totals. */
public final class PushSummary {

    private PushSummary() {
    }

    public static String render(List<Transition> sincePush, SortedMap<String, SortedMap<State, Integer>> counts) {
        StringBuilder sb = new StringBuilder();
        if (sincePush.isEmpty()) {
            sb.append("No job status change.\n");
        } else {
            sb.append("Job status changes since the last push:\n");
            Map<String, Map<String, Integer>> byGroup = new TreeMap<>();
            for (Transition t : sincePush) {
                byGroup.computeIfAbsent(t.ref().group(), g -> new TreeMap<>(PushSummary::byStateOrder))
                        .merge(t.label(), 1, Integer::sum);
            }
            byGroup.forEach((g, m) -> {
                sb.append(g).append(':');
                m.forEach((label, n) -> sb.append(' ').append(label).append(' ').append(n).append(','));
                sb.setLength(sb.length() - 1);
                sb.append('\n');
            });
        }
        sb.append("Totals:\n");
        counts.forEach((g, m) -> {
            if (m.values().stream().mapToInt(Integer::intValue).sum() == 0) {
                return;
            }
            sb.append(g).append(':');
            for (State s : State.KNOWN) {
                sb.append(' ').append(s.name()).append(' ').append(m.getOrDefault(s, 0)).append(',');
            }
            m.forEach((s, n) -> {
                if (!s.isKnown()) {
                    sb.append(' ').append(s.name()).append(' ').append(n).append(',');
                }
            });
            sb.setLength(sb.length() - 1);
            sb.append('\n');
        });
        return sb.toString();
    }

    /** "backlog→queued" before "queued→completed": the order a job lives through them. */
    private static int byStateOrder(String a, String b) {
        String[] x = a.split("→");
        String[] y = b.split("→");
        int c = State.of(x[0]).compareTo(State.of(y[0]));
        return c != 0 ? c : State.of(x[1]).compareTo(State.of(y[1]));
    }
}
