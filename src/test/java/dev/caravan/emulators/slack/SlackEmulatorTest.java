package dev.caravan.emulators.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The emulator answers as Slack's webhook documentation says: what Slack refuses, it refuses. */
class SlackEmulatorTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> post(String url, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void takesJsonAndFormPayloadsAndRefusesWhatSlackRefuses() throws Exception {
        try (SlackEmulator slack = new SlackEmulator()) {
            assertThat(post(slack.url(), "application/json", "{\"text\":\"hello\"}").body()).isEqualTo("ok");
            assertThat(post(slack.url(), "application/x-www-form-urlencoded", "payload=%7B%22text%22%3A%22form%22%7D")
                    .statusCode()).isEqualTo(200);
            HttpResponse<String> noText = post(slack.url(), "application/json", "{\"channel\":\"#ops\"}");
            assertThat(noText.statusCode()).isEqualTo(400);
            assertThat(noText.body()).isEqualTo("no_text");
            assertThat(post(slack.url(), "application/json", "not json").body()).isEqualTo("invalid_payload");
            assertThat(post(slack.url(), "application/json", "[1]").body()).isEqualTo("invalid_payload");
            assertThat(post(slack.url().replace("/hook", "/services"), "application/json", "{\"text\":\"x\"}").statusCode()).isEqualTo(404);
            slack.throttleNext(1);
            HttpResponse<String> throttled = post(slack.url(), "application/json", "{\"text\":\"x\"}");
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.headers().firstValue("Retry-After")).contains("1");
            slack.failNext(1);
            assertThat(post(slack.url(), "application/json", "{\"text\":\"x\"}").statusCode()).isEqualTo(500);
            assertThat(slack.texts()).containsExactly("hello", "form");
            assertThat(slack.refused()).containsExactly("no_text", "invalid_payload", "invalid_payload", "no_service",
                    "rate_limited", "rollup_error");
        }
    }
}
