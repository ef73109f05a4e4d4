package dev.caravan.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRefTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"..", ".", "a..b", "job..", "a/b", "/abs", "a\\b", ".hidden", "-dash", "_under",
            "with space", "tab\t", "ümlaut", "a:b"})
    void unsafeNamesAreRejectedInEveryPart(String bad) {
        assertThat(JobRef.isSafeName(bad)).isFalse();
        assertThatThrownBy(() -> new JobRef(bad, "b", "j")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group");
        assertThatThrownBy(() -> new JobRef("g", bad, "j")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch");
        assertThatThrownBy(() -> new JobRef("g", "b", bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("job id");
    }

    @Test
    void nameLongerThan128IsRejected() {
        assertThat(JobRef.isSafeName("a".repeat(128))).isTrue();
        assertThat(JobRef.isSafeName("a".repeat(129))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PACA-CA", "2021-06-20", "2021-07-09a", "job.0005", "a", "9", "x_y-z.1",
            "33df42ff-f804-4378-82d9-fcad5f951786"})
    void realNamesAreAccepted(String good) {
        assertThat(JobRef.isSafeName(good)).isTrue();
        assertThat(new JobRef(good, good, good).path()).isEqualTo(good + "/" + good + "/" + good);
    }

    @Test
    void pathAndOrder() {
        JobRef a = new JobRef("PACA-CA", "2021-06-20", "job.0002");
        JobRef b = new JobRef("PACA-CA", "2021-06-20", "job.0010");
        JobRef c = new JobRef("PACA-CA", "2021-07-01", "job.0001");
        JobRef d = new JobRef("BOCA-UK", "2021-08-01", "job.0001");
        List<JobRef> refs = new ArrayList<>(List.of(c, b, d, a));

        Collections.sort(refs);

        assertThat(refs).containsExactly(d, a, b, c);
        assertThat(a.path()).isEqualTo("PACA-CA/2021-06-20/job.0002");
        assertThat(a).hasToString("PACA-CA/2021-06-20/job.0002");
    }
}
