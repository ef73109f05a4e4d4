package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.LogCapture;
import dev.caravan.testkit.Poll;

import dev.caravan.camel.NotifyQueue;
import dev.caravan.model.Notification;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The notify route against a real webhook endpoint: pace, splitting, failures, secrets. */
@FlowTest
class SlackNotificationTest {

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        fx.slack.close();
    }

    private void start(Map<String, String> extra) throws Exception {
        fx = new FlowFixture(dir, 2, 2);
        Map<String, String> s = fx.settings("local1", 2);
        s.putAll(extra);
        daemon = DaemonHarness.start(dir, s);
    }

    private void send(Notification... ns) {
        try (ProducerTemplate pt = daemon.context().createProducerTemplate()) {
            pt.requestBody("direct:notify-all", List.of(ns));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void atMostOneMessageASecondWithLevelEmoji() throws Exception {
        start(Map.of("caravan.slack.min-interval-ms", "1000"));
        send(Notification.info("one"), Notification.warning("two"), Notification.critical("three"));
        Poll.until("three posts", Duration.ofSeconds(10), () -> fx.slack.posts().size() == 3);
        List<SlackEmulator.Post> posts = fx.slack.posts();
        assertThat(posts).extracting(SlackEmulator.Post::text).containsExactly(
                ":information_source: INFO: one", ":warning: WARNING: two", ":fire: CRITICAL: three");
        for (int i = 1; i < posts.size(); i++) {
            assertThat(Duration.between(posts.get(i - 1).at(), posts.get(i).at())).isGreaterThan(Duration.ofMillis(900));
        }
    }

    @Test
    void longTextsAreSplitAtLineEnds() throws Exception {
        start(Map.of());
        StringBuilder sb = new StringBuilder("many lines:");
        for (int i = 0; i < 600; i++) {
            sb.append("\nline ").append(i).append(" of a long report");
        }
        send(Notification.info(sb.toString()));
        Poll.until("all pieces", Duration.ofSeconds(10), () -> fx.slack.texts().stream().anyMatch(t -> t.contains("line 599 ")));
        List<String> texts = fx.slack.texts();
        assertThat(texts.size()).isGreaterThan(3);
        assertThat(texts).allMatch(t -> t.length() <= 3500);
        String joined = String.join("\n", texts);
        for (int i = 0; i < 600; i++) {
            assertThat(joined).contains("\nline " + i + " of a long report");
        }
    }

    @Test
    void slackOutagesNeverFailACycleAndNeverLeakTheWebhook() throws Exception {
        fx = new FlowFixture(dir, 2, 2);
        Map<String, String> s = fx.settings("local1", 2);
        String secretUrl = fx.slack.url() + "/T000/B000/s3cr3t-w3bh00k-t0k3n";
        s.put("caravan.slack.webhook-url", secretUrl);
        fx.slack.failNext(1000);
        try (LogCapture log = LogCapture.attach()) {
            daemon = DaemonHarness.start(dir, s);
            Poll.until("both jobs ran", Duration.ofSeconds(30), () -> {
                daemon.cycle();
                return fx.jobsIn("completed").size() + fx.jobsIn("failed").size() == 2;
            });
            Poll.until("a Slack failure was logged", Duration.ofSeconds(10), () -> log.all().contains("Could not post to Slack"));
            assertThat(log.all()).doesNotContain("s3cr3t-w3bh00k-t0k3n");
        }
        assertThat(fx.jobsIn("failed")).containsExactly("job.0002");
        fx.slack.failNext(0);
        send(Notification.info("back again " + secretUrl));
        Poll.until("posted after recovery", Duration.ofSeconds(10), () -> fx.slack.anyContains("back again"));
        assertThat(fx.slack.texts()).noneMatch(t -> t.contains("s3cr3t-w3bh00k-t0k3n"));
    }

    @Test
    void aOneShotCycleCanWaitUntilEveryMessageHasGoneOut() throws Exception {
        start(Map.of("caravan.slack.min-interval-ms", "300"));
        assertThat(NotifyQueue.awaitDrained(daemon.context(), Duration.ofSeconds(10))).as("nothing queued").isTrue();

        send(Notification.info("first"), Notification.info("second"), Notification.info("third"));

        assertThat(NotifyQueue.awaitDrained(daemon.context(), Duration.ofSeconds(10))).isTrue();
        assertThat(fx.slack.texts()).hasSize(3).last().asString().contains("third");
    }

    @Test
    void aQueueThatDoesNotDrainInTimeIsReported() throws Exception {
        start(Map.of("caravan.slack.min-interval-ms", "5000"));
        send(Notification.info("first"), Notification.info("second"));

        assertThat(NotifyQueue.awaitDrained(daemon.context(), Duration.ofMillis(200))).isFalse();
    }
}
