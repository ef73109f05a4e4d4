package dev.caravan.report;

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
        assertThat(Redactor.redact("nothing secret here")).isEqualTo("nothing secret here");
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
}
