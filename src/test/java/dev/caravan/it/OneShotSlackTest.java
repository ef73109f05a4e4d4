package dev.caravan.it;

import dev.caravan.camel.OneShot;
import dev.caravan.model.Notification;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.FlowTest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-shot (cycle --once, import, project ...) says what it has to say in one Slack post when it ends, not one post
 * per notification: Slack takes about one message a second, so three notifications made a command wait two seconds
 * before it could exit (issue 10 point 13: most of `cycle --once`'s time after its push). Each is logged as it comes.
 */
@FlowTest
class OneShotSlackTest {

    @TempDir
    Path dir;

    @Test
    void aOneShotPostsItsNotificationsAsOneMessageAtItsEnd() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 1);
        Map<String, String> s = fx.settings("local1", 2);
        s.put("caravan.slack.min-interval-ms", "1000");
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
        try (OneShot once = OneShot.start(Optional.of(config), true)) {
            try (ProducerTemplate pt = once.context().createProducerTemplate()) {
                pt.requestBody("direct:notify-all", List.of(Notification.warning("first"), Notification.info("second")));
                pt.requestBody("direct:notify-all", List.of(Notification.critical("third")));
            }
            assertThat(fx.slack.posts()).as("nothing posted before the command ends").isEmpty();
        }
        assertThat(fx.slack.texts()).hasSize(1);
        String post = fx.slack.texts().get(0);
        assertThat(post).contains("WARNING: first", "INFO: second", "CRITICAL: third");
        assertThat(post.indexOf("first")).isLessThan(post.indexOf("second"));
        assertThat(post.indexOf("second")).isLessThan(post.indexOf("third"));
        fx.slack.close();
    }
}
