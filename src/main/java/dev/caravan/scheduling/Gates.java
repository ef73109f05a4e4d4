package dev.caravan.scheduling;

import dev.caravan.model.Notification;
import dev.caravan.model.State;
import dev.caravan.model.Transition;

import java.util.List;
import java.util.Optional;

/**
 * The rules that can stop releases on one environment: an operator's pause, an excessive-failure flag
 * still in place, or too many jobs failed on it since the last push.
 */
public final class Gates {

    private Gates() {
    }

    public static GateDecision evaluate(String env, boolean paused, boolean flagged, int threshold,
                                        List<Transition> sincePush) {
        if (paused) {
            return GateDecision.closed(Notification.info("environment " + env + " is paused (jobs/pause." + env
                    + "): no jobs released"));
        }
        if (flagged) {
            return GateDecision.closed(Notification.critical("environment " + env
                    + " stopped for excessive failures: remove jobs/excessive_failure." + env
                    + ".txt on the admin branch to resume releases"));
        }
        List<Transition> failed = sincePush.stream()
                .filter(t -> t.to().equals(State.FAILED) && t.env().equals(env)).toList();
        if (threshold > 0 && failed.size() >= threshold) {
            StringBuilder text = new StringBuilder();
            text.append("# ").append(failed.size()).append(" jobs failed on ").append(env)
                    .append(" since the last push (threshold ").append(threshold).append(").\n")
                    .append("# Releases on ").append(env).append(" stay stopped until this file is removed.\n");
            failed.forEach(t -> text.append(t.ref().path()).append('\n'));
            return new GateDecision(false, List.of(Notification.critical(failed.size() + " jobs failed on " + env
                    + " since the last push (threshold " + threshold + "): releases stopped, jobs/excessive_failure."
                    + env + ".txt written")), Optional.of(text.toString()));
        }
        return GateDecision.opened();
    }
}
