package dev.caravan.it;

import dev.caravan.it.FaultTable.Tally;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * One trial of a fault on the local flow, measured the same way whatever the fault: made before the fault (it notes the
 * ledger and Slack's posts so far), it waits for recovery, then tallies into the fault's {@link Tally} the jobs run
 * twice since, the jobs not in exactly one state folder of the clone's last commit, and the alerts since. So each
 * fault's code in {@link FaultSuiteTest} says only how it injects the fault and what recovery means for it.
 */
final class FaultTrial {

    /** Past this, a fault that has not healed is a wedge: a person would have to clear it. */
    static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(60);

    private final FlowFixture fx;
    /** Jobs imported so far: the suite imports more while a fault is on, so it is read when the trial ends. */
    private final IntSupplier jobs;
    private final Tally tally;
    private final int ledger;
    private final int posts;

    /** The log of the daemon that runs now, kept when a job is not where it should be. */
    private final java.util.function.Supplier<Path> daemonLog;

    FaultTrial(FlowFixture fx, IntSupplier jobs, Tally tally, java.util.function.Supplier<Path> daemonLog) {
        this.daemonLog = daemonLog;
        this.fx = fx;
        this.jobs = jobs;
        this.tally = tally;
        this.ledger = fx.runs().size();
        this.posts = fx.slack.posts().size();
    }

    /**
     * Waits until {@code recovered} holds; the time since {@code from} and the {@code cycles} it took go into the
     * tally. None within the deadline, or {@code daemon} ending meanwhile, is a wedge.
     */
    void awaitRecovery(String what, Process daemon, Instant from, BooleanSupplier recovered, IntSupplier cycles) {
        awaitRecovery(what, daemon, from, RECOVERY_DEADLINE, recovered, cycles);
    }

    /** {@link #awaitRecovery}, with a deadline of its own: a recovery the product does on a timer gets the timer too. */
    void awaitRecovery(String what, Process daemon, Instant from, Duration deadline, BooleanSupplier recovered,
                       IntSupplier cycles) {
        awaitRecovery(what, daemon, () -> from, deadline, recovered, cycles);
    }

    /**
     * {@link #awaitRecovery}, for a fault whose end moves while recovery is awaited: {@code from} is read once recovery
     * is seen (the operator race: the operator's own rounds go on until its edit can be merged).
     */
    void awaitRecovery(String what, Process daemon, java.util.function.Supplier<Instant> from, Duration deadline,
                       BooleanSupplier recovered, IntSupplier cycles) {
        try {
            Poll.until(what, deadline, () -> recovered.getAsBoolean() || !daemon.isAlive());
            if (!daemon.isAlive()) {
                throw new AssertionError("the daemon ended: " + what);
            }
            tally.recovered(Duration.between(from.get(), Instant.now()), cycles.getAsInt());
        } catch (AssertionError e) {
            tally.wedges++;
        }
    }

    /** Ends the trial as one trial of its fault. */
    void end() throws Exception {
        end(1);
    }

    /** Ends the trial as {@code trials} trials of its fault (an operator's pushes, each one a trial). */
    void end(int trials) throws Exception {
        endWithoutAlerts(trials);
        tally.alerts(alertsSince(posts));
    }

    /** Ends the trial without counting alerts: with Slack itself the fault, what it took in is not the fault's alerts. */
    void endWithoutAlerts(int trials) throws Exception {
        tally.trials += trials;
        tally.twice += duplicatesSince(ledger);
        tally.lost += lostAfterSettling();
    }

    /**
     * Jobs missing from the clone's HEAD once its commits have caught up: a requested cycle's commit (and the merge of
     * jobs an operator imported meanwhile) is written behind the cycle that recovered, so a job only counts as lost
     * when HEAD still lacks it after the deadline.
     */
    private int lostAfterSettling() throws Exception {
        int[] lost = {FaultTable.lost(fx.tracking(), "HEAD", jobs.getAsInt())};
        try {
            Poll.until("every job in one state folder of HEAD", RECOVERY_DEADLINE, () -> {
                try {
                    lost[0] = FaultTable.lost(fx.tracking(), "HEAD", jobs.getAsInt());
                } catch (Exception e) {
                    return false; // HEAD moved while read: read it again
                }
                return lost[0] == 0;
            });
        } catch (AssertionError e) {
            explain(lost[0]); // still misplaced at the deadline: counted as lost
        }
        return lost[0];
    }

    /** Where the jobs are that were still not in exactly one state folder of HEAD after the deadline (to the output). */
    private void explain(int lost) {
        StringBuilder sb = new StringBuilder("[faults] after the deadline " + lost + " jobs not in one state folder of HEAD\n");
        try {
            String tree = FlowFixture.git(fx.tracking(), "ls-tree", "-r", "--name-only", "HEAD", "jobs/");
            java.util.Map<String, Integer> placed = FaultTable.placements(tree);
            int shown = 0;
            for (int i = 1; i <= jobs.getAsInt() && shown < 8; i++) {
                String id = String.format("job.%04d", i);
                int n = placed.getOrDefault(id, 0);
                if (n != 1) {
                    shown++;
                    sb.append("  ").append(id).append(": ").append(n).append(" in HEAD ").append(tree.lines()
                            .filter(l -> l.contains("/" + id + "/")).toList()).append("; on disk ").append(onDisk(id)).append('\n');
                }
            }
            sb.append("  HEAD ").append(FlowFixture.git(fx.tracking(), "log", "--oneline", "-6", "HEAD"));
            sb.append("  origin/main ").append(FlowFixture.git(fx.tracking(), "log", "--oneline", "-2", "origin/main"));
            sb.append("  remote main ").append(FlowFixture.git(fx.remote, "log", "--oneline", "-2", "main"));
            sb.append("  status ").append(FlowFixture.git(fx.tracking(), "status", "--porcelain", "jobs").lines().limit(8).toList()).append('\n');
            Path log = daemonLog.get();
            if (log != null && java.nio.file.Files.exists(log)) {
                java.nio.file.Path keep = java.nio.file.Path.of("target", "fault-logs", log.getFileName().toString());
                java.nio.file.Files.createDirectories(keep.getParent());
                java.nio.file.Files.copy(log, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                sb.append("  daemon log (kept as ").append(keep).append("): ");
                java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("Merged") || l.contains("Not merging")
                        || l.contains("Recovered") || l.contains("conflict") || l.contains("Cycle stopped")
                        || l.contains("stale")).limit(12).forEach(l -> sb.append("\n    ").append(l));
            }
        } catch (Exception e) {
            sb.append("  (").append(e).append(')');
        }
        System.out.println(sb);
    }

    private String onDisk(String id) {
        java.util.List<String> where = new java.util.ArrayList<>();
        for (String state : List.of("backlog", "queued", "failed", "completed")) {
            if (java.nio.file.Files.isDirectory(fx.tracking().resolve("jobs").resolve(FlowFixture.GROUP)
                    .resolve(FlowFixture.BATCH).resolve(state).resolve(id))) {
                where.add(state);
            }
        }
        return where.toString();
    }

    private int duplicatesSince(int ledger) {
        List<String> all = fx.runs();
        List<String> before = all.subList(0, Math.min(ledger, all.size()));
        List<String> since = all.subList(Math.min(ledger, all.size()), all.size());
        Set<String> seen = new HashSet<>(before);
        int twice = 0;
        for (String j : since) {
            if (!seen.add(j)) {
                twice++;
            }
        }
        return twice;
    }

    private int alertsSince(int posts) {
        return (int) textsSince().stream().filter(x -> x.contains("CRITICAL") || x.contains("WARNING")).count();
    }

    /** What Slack took in since the trial began. */
    List<String> textsSince() {
        List<String> texts = fx.slack.texts();
        return texts.subList(Math.min(posts, texts.size()), texts.size());
    }

    private static final java.util.regex.Pattern CYCLE_DONE =
            java.util.regex.Pattern.compile("^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*Cycle done in (\\d+) ms");

    /**
     * The cycles it took to recover from a fault that ended at {@code end}, called when recovery is seen: the cycles
     * that began after the fault's end, up to the one running when recovery was seen (waited for until it ends). A cycle
     * that began before the end is not counted: it could not have seen the end. Read from the daemon log's
     * {@code Cycle done in N ms} lines (time of day, minus N); at least 1.
     */
    static int cyclesBegunSince(Path log, Instant end) {
        java.time.ZoneId zone = java.time.ZoneId.systemDefault();
        java.time.LocalTime from = java.time.LocalTime.ofInstant(end, zone);
        java.time.LocalTime seen = java.time.LocalTime.now(zone);
        try {
            Poll.until("the cycle running when recovery was seen ends", Duration.ofSeconds(30),
                    () -> cycleBegins(log).stream().anyMatch(b -> b[1].isAfter(seen)));
        } catch (AssertionError e) {
            // none ended since: the cycles that did are counted
        }
        long n = cycleBegins(log).stream().filter(b -> !b[0].isBefore(from) && !b[0].isAfter(seen)).count();
        return (int) Math.max(1, n);
    }

    /** Each ended cycle's {begin, end} (times of day, as the daemon logs them). */
    private static List<java.time.LocalTime[]> cycleBegins(Path log) {
        List<java.time.LocalTime[]> out = new ArrayList<>();
        for (String line : logText(log).split("\n")) {
            java.util.regex.Matcher m = CYCLE_DONE.matcher(line);
            if (m.find()) {
                java.time.LocalTime done = java.time.LocalTime.parse(m.group(1));
                out.add(new java.time.LocalTime[] {done.minus(Duration.ofMillis(Long.parseLong(m.group(2)))), done});
            }
        }
        return out;
    }

    private static String logText(Path log) {
        try {
            return java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
