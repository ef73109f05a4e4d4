package dev.caravan.it;

import dev.caravan.testkit.FlowFixture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fault suite's one table: a row per fault, a closing row per flow; and how a flow's tree is checked. */
final class FaultTable {

    private static final Pattern JOB_PATH = Pattern.compile("^jobs/[^/]+/[^/]+/([^/]+)/(job\\.\\d+)/params\\.json$");

    /** One line of the table. */
    record Row(String fault, int trials, int lost, int twice, int wedges, int alerts, int maxAlertsPerFault,
               double maxRecoverSeconds, int maxRecoverCycles) {
    }

    /** What one fault came to. */
    static final class Tally {
        int trials;
        int lost;
        int twice;
        int wedges;
        int alerts;
        int maxAlerts;
        double maxSeconds;
        int maxCycles;

        void recovered(Duration took, int cycles) {
            maxSeconds = Math.max(maxSeconds, took.toMillis() / 1000.0);
            maxCycles = Math.max(maxCycles, cycles);
        }

        void alerts(int n) {
            alerts += n;
            maxAlerts = Math.max(maxAlerts, n);
        }
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> ends = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    synchronized Row add(String name, Tally t) {
        Row r = new Row(name, t.trials, t.lost, t.twice, t.wedges, t.alerts, t.maxAlerts, t.maxSeconds, t.maxCycles);
        rows.add(r);
        System.out.println("[faults] " + r); // progress, for a long run stopped before its table
        return r;
    }

    /** The closing row of one flow: what its remote holds once every job ended. */
    synchronized void end(String flow, List<Row> its, long lost, long twice, String fsck, String note) {
        ends.add(String.format("| **%s, at the end** | %d | %d | %d | %d | | git fsck %s |%n", flow,
                its.stream().mapToInt(Row::trials).sum(), lost, twice, its.stream().mapToInt(Row::wedges).sum(),
                fsck.isBlank() ? "clean" : "said: " + fsck.strip().replace('\n', ' ')));
        notes.add(flow + ": " + note);
    }

    synchronized String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("| fault | trials | jobs lost | jobs run twice | wedges | alerts (max per fault) | recovery (max s, max cycles) |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            sb.append(String.format("| %s | %d | %d | %d | %d | %d (%d) | %.1f s, %d |%n", r.fault(), r.trials(), r.lost(),
                    r.twice(), r.wedges(), r.alerts(), r.maxAlertsPerFault(), r.maxRecoverSeconds(), r.maxRecoverCycles()));
        }
        ends.forEach(sb::append);
        sb.append('\n');
        notes.forEach(n -> sb.append(n).append('\n'));
        return sb.toString();
    }

    /** Jobs of {@code 1..jobs} not in exactly one state folder of {@code rev} in {@code repo}. */
    static int lost(java.nio.file.Path repo, String rev, int jobs) throws Exception {
        Map<String, Integer> placed = placements(FlowFixture.git(repo, "ls-tree", "-r", "--name-only", rev, "jobs/"));
        return (int) (jobs - placed.values().stream().filter(n -> n == 1).count());
    }

    /** Job ids in state folder {@code state} of {@code rev} in {@code repo}. */
    static java.util.Set<String> inState(java.nio.file.Path repo, String rev, String state) throws Exception {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (String line : FlowFixture.git(repo, "ls-tree", "-r", "--name-only", rev, "jobs/").split("\n")) {
            Matcher m = JOB_PATH.matcher(line.strip());
            if (m.matches() && m.group(1).equals(state)) {
                ids.add(m.group(2));
            }
        }
        return ids;
    }

    static Map<String, Integer> placements(String lsTree) {
        Map<String, Integer> placed = new HashMap<>();
        for (String line : lsTree.split("\n")) {
            Matcher m = JOB_PATH.matcher(line.strip());
            if (m.matches()) {
                placed.merge(m.group(2), 1, Integer::sum);
            }
        }
        return placed;
    }
}
