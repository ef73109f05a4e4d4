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

    public Notifier(CaravanSettings settings) {
        this.slack = !settings.slackWebhookUrl().isBlank();
        this.minIntervalNanos = settings.slackMinInterval().toNanos();
        this.lastPostNanos = System.nanoTime() - minIntervalNanos;
    }

    public boolean slackEnabled() {
        return slack;
    }

    /** Logs the notification at its level and returns the pieces to post. */
    public List<String> pieces(Notification n) {
        String text = Redactor.redact(n.render());
        switch (n.level()) {
            case CRITICAL -> LOG.error("{}", text);
            case WARNING -> LOG.warn("{}", text);
            default -> LOG.info("{}", text);
        }
        return MessageSplitter.split(text, MessageSplitter.SLACK_LIMIT);
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
