package dev.caravan.camel;

import dev.caravan.settings.CaravanSettings;
import dev.caravan.model.Notification;
import dev.caravan.report.MessageSplitter;
import dev.caravan.secrets.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Turns a notification into the texts the notify route posts: rendered, secrets masked, Slack-sized. */
public final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.notify");

    private final boolean slack;
    private final long minIntervalNanos;
    /** When the last post left (at start: one interval ago); only the notify route's single consumer thread touches it. */
    private volatile long lastPostNanos;
    private final List<String> held = new java.util.ArrayList<>();
    private boolean holding;

    public Notifier(CaravanSettings settings) {
        this.slack = !settings.slackWebhookUrl().isBlank();
        this.minIntervalNanos = settings.slackMinInterval().toNanos();
        this.lastPostNanos = System.nanoTime() - minIntervalNanos;
    }

    public boolean slackEnabled() {
        return slack;
    }

    /**
     * Logs a notification at its level and returns the pieces to post; held ({@link #hold}), it is kept for one post
     * instead. A text (what {@link #release} returned) is split only: it was logged when it was held.
     */
    public List<String> pieces(Object body) {
        if (body instanceof String held) {
            return MessageSplitter.split(held, MessageSplitter.SLACK_LIMIT);
        }
        Notification n = (Notification) body;
        String text = Redactor.redact(n.render());
        switch (n.level()) {
            case CRITICAL -> LOG.error("{}", text);
            case WARNING -> LOG.warn("{}", text);
            default -> LOG.info("{}", text);
        }
        synchronized (held) {
            if (holding) {
                held.add(text);
                return List.of();
            }
        }
        return MessageSplitter.split(text, MessageSplitter.SLACK_LIMIT);
    }

    /**
     * From now on notifications are logged as they come and kept for one Slack post at {@link #release}: a command
     * that runs a few seconds says what it has to say in one message, instead of waiting out the spacing between
     * posts (about a second) before it may exit.
     */
    public void hold() {
        synchronized (held) {
            holding = slack;
        }
    }

    /** What was held, as one text (empty when nothing was), and no more holding. */
    public java.util.Optional<String> release() {
        synchronized (held) {
            holding = false;
            java.util.Optional<String> out = held.isEmpty() ? java.util.Optional.empty()
                    : java.util.Optional.of(String.join("\n\n", held));
            held.clear();
            return out;
        }
    }

    /**
     * How long to hold the next post so that two posts are never closer than the interval. The pause comes before
     * a post, not after it: a lone message goes out at once and a stopping daemon does not wait behind its last post.
     */
    public long millisUntilNextPost() {
        long wait = minIntervalNanos - (System.nanoTime() - lastPostNanos);
        return wait <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(wait) + 1;
    }

    /** Called after each post attempt, successful or not: a failing webhook is paced too. */
    public void posted() {
        lastPostNanos = System.nanoTime();
    }

    /** A Slack failure is logged, never raised: reports must not fail a cycle. */
    public void slackFailed(Exception e) {
        LOG.warn("Could not post to Slack: {}", Redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
}
