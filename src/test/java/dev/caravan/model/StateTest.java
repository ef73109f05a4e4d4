package dev.caravan.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateTest {

    @Test
    void knownStatesComeFirstInLifeOrderThenOthersByName() {
        List<State> states = new ArrayList<>(List.of(State.of("onhold"), State.COMPLETED, State.of("archived"),
                State.FAILED, State.of("zzz"), State.QUEUED, State.BACKLOG));

        Collections.sort(states);

        assertThat(states).extracting(State::name)
                .containsExactly("backlog", "queued", "failed", "completed", "archived", "onhold", "zzz");
    }

    @Test
    void ofReturnsTheKnownConstantsAndMakesOthers() {
        assertThat(State.of("backlog")).isSameAs(State.BACKLOG);
        assertThat(State.of("queued")).isSameAs(State.QUEUED);
        assertThat(State.of("failed")).isSameAs(State.FAILED);
        assertThat(State.of("completed")).isSameAs(State.COMPLETED);
        assertThat(State.of("onhold")).isEqualTo(new State("onhold"));
        assertThat(State.of("onhold").isKnown()).isFalse();
        assertThat(State.KNOWN).allMatch(State::isKnown);
        assertThat(State.BACKLOG).hasToString("backlog");
    }

    @Test
    void stateNamesMustBeSafeFolderNames() {
        assertThatThrownBy(() -> State.of("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> State.of("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> State.of(".gitkeep")).isInstanceOf(IllegalArgumentException.class);
    }
}
