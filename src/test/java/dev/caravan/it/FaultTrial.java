package dev.caravan.it;

import dev.caravan.it.FaultTable.Tally;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import java.time.Duration;
import java.time.Instant;
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
    private final int jobs;
    private final Tally tally;
    private final int ledger;
    private final int posts;

    FaultTrial(FlowFixture fx, int jobs, Tally tally) {
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
        try {
            Poll.until(what, RECOVERY_DEADLINE, () -> recovered.getAsBoolean() || !daemon.isAlive());
            if (!daemon.isAlive()) {
                throw new AssertionError("the daemon ended: " + what);
            }
            tally.recovered(Duration.between(from, Instant.now()), cycles.getAsInt());
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
        tally.lost += FaultTable.lost(fx.tracking(), "HEAD", jobs);
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
        List<String> texts = fx.slack.texts();
        return (int) texts.subList(Math.min(posts, texts.size()), texts.size()).stream()
                .filter(x -> x.contains("CRITICAL") || x.contains("WARNING")).count();
    }
}
