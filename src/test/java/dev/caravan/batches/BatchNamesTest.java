package dev.caravan.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "2021-07-09", "2021-07-09a", "PACA-CA", "wepp_batch-1", "A23",
        "a2345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678"})
    void acceptsWeppcloudNames(String name) {
        assertThat(BatchNames.requireValid("batch", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "_abc", "-abc", "a.b.c", "a b c", "../etc", "abc/def", "abc\\def", "ab\u0000c",
        "é-batch", "a23456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"})
    void refusesOtherNamesNamingTheField(String name) {
        assertThatThrownBy(() -> BatchNames.requireValid("batch", name))
                .isInstanceOfSatisfying(BatchInputException.class, e -> assertThat(e.field()).isEqualTo("batch"))
                .hasMessageStartingWith("batch '")
                .hasMessageContaining("is not a valid name: 3 to 128 letters, digits, '_' or '-'")
                .hasMessageNotContaining("\u0000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"_base", "resources", "logs", "backlog", "queued", "failed", "completed", "aborted",
        "onhold", "Logs", "COMPLETED"})
    void refusesReservedFolderNames(String name) {
        assertThatThrownBy(() -> BatchNames.requireValid("group", name))
                .isInstanceOfSatisfying(BatchInputException.class, e -> assertThat(e.field()).isEqualTo("group"))
                .hasMessageStartingWith("group '" + name + "' is reserved (it is the name of a folder");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pause", "pause.demo", "excessive_failure", "excessive_failure.demo.txt", "PAUSE.x"})
    void refusesGateFileNames(String name) {
        assertThatThrownBy(() -> BatchNames.requireValid("batch", name))
                .hasMessageStartingWith("batch '" + name + "' is reserved (gate files are named");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void requiresAName(String name) {
        assertThatThrownBy(() -> BatchNames.requireValid("group", name)).hasMessage("group is required");
        assertThatThrownBy(() -> BatchNames.requireValid("group", null)).hasMessage("group is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Blue Creek-NW", "sooke-004", "001", "a", "a.b_c-d", "x y z"})
    void safeItemIds(String id) {
        assertThat(BatchNames.isSafeItemId(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a..b", ".hidden", "-x", "a/b", "a\\b", "a\u0000", "trailing ", " lead",
        "tab\there", "new\nline", "quote'", "semi;colon", "dollar$", "ü"})
    void unsafeItemIds(String id) {
        assertThat(BatchNames.isSafeItemId(id)).isFalse();
    }

    /** The hand-written check is the documented rule, regex and all, on random names over the characters that matter. */
    @org.junit.jupiter.api.Test
    void itemIdCheckIsTheDocumentedRule() {
        java.util.regex.Pattern rule = java.util.regex.Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._ -]{0,126}[A-Za-z0-9._-])?");
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        String chars = "aZ09._- /\\\u0000ü$";
        for (int n = 0; n < 20_000; n++) {
            int len = r.nextInt(0, 8) == 0 ? r.nextInt(120, 132) : r.nextInt(0, 6);
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < len; k++) {
                b.append(chars.charAt(r.nextInt(chars.length())));
            }
            String id = b.toString();
            assertThat(BatchNames.isSafeItemId(id)).as("'%s'", id).isEqualTo(rule.matcher(id).matches() && !id.contains(".."));
        }
    }
}
