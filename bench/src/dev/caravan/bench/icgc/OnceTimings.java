package dev.caravan.bench.icgc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a {@code cycle --once} process's time went: the {@code caravan-timing PHASE START_MS END_MS} lines the one-shot
 * writes to stderr with {@code -Ddev.caravan.timings=true} ({@code dev.caravan.report.PhaseTimes}), set beside the times
 * this benchmark started the process and saw it end (wall-clock epoch milliseconds on both sides).
 */
final class OnceTimings {

    /** The parts in the order they happen, each {label, from, to}; "^x"/"$x" are phase x's start/end. */
    static final List<String[]> PARTS = List.of(
            new String[] {"JVM start (process start → main)", "start", "$jvm"},
            new String[] {"command line, settings file, cycle lock (main → Camel start)", "$jvm", "^camel-start"},
            new String[] {"Camel start (settings, backends, routes; the clone check inside it)", "^camel-start", "$camel-start"},
            new String[] {"  of which the clone check (open the clone, branch, config)", "^clone-check", "$clone-check"},
            new String[] {"the tree's read of 14,575 jobs (a thread of its own, beside Camel's start)", "^index", "$index"},
            new String[] {"Camel started → cycle", "$camel-start", "^cycle"},
            new String[] {"cycle: waiting for the tree's read", "^index-wait", "$index-wait"},
            new String[] {"cycle: merge check, poll, moves, gates, 10 submissions", "$index-wait", "$cycle"},
            new String[] {"commit: stage the touched paths", "^stage", "$stage"},
            new String[] {"commit: camel-git commit", "^git-commit", "$git-commit"},
            new String[] {"commit, in all", "^commit", "$commit"},
            new String[] {"push (camel-git, to the bare remote) and its summary", "^push", "$push"},
            new String[] {"push end → stop (Slack queue drained)", "$push", "$notify-drain"},
            new String[] {"Camel stop", "^camel-stop", "$camel-stop"},
            new String[] {"Camel stopped → exit", "$camel-stop", "^exit"},
            new String[] {"JVM exit (System.exit → process end)", "^exit", "end"});

    private OnceTimings() {
    }

    /**
     * Each part's milliseconds for one process started at {@code startMs} and seen to end at {@code endMs}; empty when
     * the log has no timings.
     */
    static Map<String, Long> parts(Path log, long startMs, long endMs) throws IOException {
        Map<String, Long> at = new HashMap<>();
        at.put("start", startMs);
        at.put("end", endMs);
        for (String line : Files.readAllLines(log)) {
            String[] f = line.split(" ");
            if (f.length == 4 && f[0].equals("caravan-timing")) {
                at.put("^" + f[1], Long.parseLong(f[2]));
                at.put("$" + f[1], Long.parseLong(f[3]));
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        if (!at.containsKey("$jvm")) {
            return out;
        }
        for (String[] p : PARTS) {
            Long a = at.get(p[1]);
            Long b = at.get(p[2]);
            if (a != null && b != null && a >= 0 && b >= 0) {
                out.put(p[0], b - a);
            }
        }
        return out;
    }

    /** The median of each part over several processes, as rows of {part, "median (runs)"}. */
    static List<String[]> medians(List<Map<String, Long>> runs) {
        List<String[]> rows = new ArrayList<>();
        for (String[] p : PARTS) {
            List<Long> xs = new ArrayList<>();
            for (Map<String, Long> r : runs) {
                if (r.containsKey(p[0])) {
                    xs.add(r.get(p[0]));
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            List<Long> sorted = new ArrayList<>(xs);
            java.util.Collections.sort(sorted);
            rows.add(new String[] {p[0], sorted.get(sorted.size() / 2) + " ms",
                    String.join(", ", xs.stream().map(x -> x + " ms").toList())});
        }
        return rows;
    }
}
