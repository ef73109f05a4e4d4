package dev.caravan.camel;

import dev.caravan.config.CaravanSettings;
import dev.caravan.model.Notification;
import dev.caravan.report.MessageSplitter;
import dev.caravan.report.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Turns a notification into the texts the notify route posts: rendered, secrets masked, Slack-sized. */
public final class Notifier {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.notify");

    private final boolean slack;

    public Notifier(CaravanSettings settings) {
        this.slack = !settings.slackWebhookUrl().isBlank();
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

    /** A Slack failure is logged, never raised: reports must not fail a cycle. */
    public void slackFailed(Exception e) {
        LOG.warn("Could not post to Slack: {}", Redactor.redact(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
}
