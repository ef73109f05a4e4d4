package dev.caravan.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommitMessagesTest {

    private static final String CYCLE = CycleContext.CYCLE_COMMIT;

    @Test
    void aLoneIntakeKeepsItsOwnMessage() {
        assertThat(CommitMessages.combine(List.of("[caravan] 3 jobs added"))).isEqualTo("[caravan] 3 jobs added");
    }

    @Test
    void theCycleAloneCommitsWithItsMessage() {
        assertThat(CommitMessages.combine(List.of(CYCLE))).isEqualTo(CYCLE);
    }

    @Test
    void intakesTakenInByACycleAreListedUnderItsSubjectInOrder() {
        assertThat(CommitMessages.combine(List.of("[caravan] batch b1 created", CYCLE, "[caravan] 2 jobs retried")))
                .isEqualTo(CYCLE + "\n\n[caravan] batch b1 created\n\n[caravan] 2 jobs retried");
    }

    @Test
    void twoIntakesWithoutTheCycleStillKeepBoth() {
        assertThat(CommitMessages.combine(List.of("a", "b"))).isEqualTo(CYCLE + "\n\na\n\nb");
    }
}
