package dev.caravan.secrets;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    @Test
    void aRegisteredSecretNeverAppearsInOutput() {
        String secret = "xoxb-RedactorTest-9f8e7d6c5b4a";
        Redactor.register(secret);

        String out = Redactor.redact("token=" + secret + " and again " + secret + secret + "\nin a URL https://u:"
                + secret + "@example.org/x");

        assertThat(out).doesNotContain(secret).contains("token=****").contains("https://u:****@example.org/x");
    }

    @Test
    void registeringTwiceIsHarmlessAndOtherTextIsUntouched() {
        String secret = "RedactorTest-twice-5a5a5a";
        Redactor.register(secret);
        Redactor.register(secret);

        assertThat(Redactor.redact("before " + secret + " after")).isEqualTo("before **** after");
        // other tests in this JVM register common words (a test password "secret"), so plain text here is unique
        String plain = "RedactorTest plain-5b5b5b stays";
        assertThat(Redactor.redact(plain)).isEqualTo(plain);
        assertThat(Redactor.redact(null)).isNull();
    }

    @Test
    void registerAllAndOverlappingSecretsAreAllHidden() {
        String a = "RedactorTest-overlap-aaaa";
        String b = "overlap-aaaa-bbbb-RedactorTest";
        String c = "https://hooks.slack.example/services/RedactorTest/T000/B000";
        Redactor.registerAll(List.of(a, b, c));

        String out = Redactor.redact(a + "|" + b + "|" + c + "|RedactorTest-overlap-aaaa-bbbb-RedactorTest");

        assertThat(out).doesNotContain(a).doesNotContain(b).doesNotContain(c);
    }

    @Test
    void shortLivedSecretsKeepOnlyTheNewestWhileLastingOnesStay() {
        String lasting = "RedactorTest-lasting-client-secret";
        Redactor.register(lasting);
        String first = "RedactorTest-token-first";
        Redactor.registerShortLived(first);
        for (int i = 0; i < Redactor.SHORT_LIVED_KEPT; i++) {
            Redactor.registerShortLived("RedactorTest-token-" + i + "-of-a-long-running-daemon");
        }
        String newest = "RedactorTest-token-" + (Redactor.SHORT_LIVED_KEPT - 1) + "-of-a-long-running-daemon";

        assertThat(Redactor.redact("Bearer " + newest)).isEqualTo("Bearer ****");
        assertThat(Redactor.redact("RedactorTest-kept " + lasting)).isEqualTo("RedactorTest-kept ****");
        assertThat(Redactor.redact("expired " + first)).as("dropped once %d newer tokens came", Redactor.SHORT_LIVED_KEPT)
                .isEqualTo("expired " + first);
        // a short-lived registration never demotes a lasting secret
        Redactor.registerShortLived(lasting);
        for (int i = 0; i < Redactor.SHORT_LIVED_KEPT; i++) {
            Redactor.registerShortLived("RedactorTest-later-token-" + i);
        }
        assertThat(Redactor.redact(lasting)).isEqualTo("****");
    }
}
