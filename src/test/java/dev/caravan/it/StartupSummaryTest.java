package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.LogCapture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the daemon says about its settings at start: a secret set shows masked, an empty one shows as empty. */
@FlowTest
class StartupSummaryTest {

    @TempDir
    Path dir;

    @Test
    void theShippedEmptyWebhookIsShownEmptyNotMasked() throws Exception {
        ShippedConfig.copyRoutes(dir);
        Map<String, String> s = ShippedConfig.in(dir);
        assertThat(s.get("caravan.slack.webhook-url")).isEmpty();
        try (LogCapture log = LogCapture.attach(); DaemonHarness daemon = DaemonHarness.start(dir, s)) {
            assertThat(log.all()).contains("caravan.slack.webhook-url is empty, notifications go to the log only")
                    .doesNotContain("webhook-url = xxxxxx");
        }
    }

    @Test
    void aWebhookThatIsSetIsMasked() throws Exception {
        ShippedConfig.copyRoutes(dir);
        Map<String, String> s = ShippedConfig.in(dir);
        try (SlackEmulator slack = new SlackEmulator()) {
            s.put("caravan.slack.webhook-url", slack.url());
            try (LogCapture log = LogCapture.attach(); DaemonHarness daemon = DaemonHarness.start(dir, s)) {
                assertThat(log.all()).contains("caravan.slack.webhook-url = xxxxxx").doesNotContain(slack.url())
                        .doesNotContain("webhook-url is empty");
            }
        }
    }
}
