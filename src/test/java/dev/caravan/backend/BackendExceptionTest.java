package dev.caravan.backend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Kinds, and what the engine reads of them through {@link BackendException#isCritical()}. */
class BackendExceptionTest {

    @Test
    void eachFactoryMakesItsKindAndOnlyCriticalIsCritical() {
        IllegalStateException cause = new IllegalStateException("why");
        assertThat(BackendException.retryable("a", cause)).satisfies(e -> {
            assertThat(e.kind()).isEqualTo(BackendException.Kind.RETRYABLE);
            assertThat(e.isCritical()).isFalse();
            assertThat(e).hasMessage("a").hasCause(cause);
        });
        assertThat(BackendException.critical("b").kind()).isEqualTo(BackendException.Kind.CRITICAL);
        assertThat(BackendException.critical("b").isCritical()).isTrue();
        assertThat(BackendException.badInput("c").kind()).isEqualTo(BackendException.Kind.BAD_INPUT);
        assertThat(BackendException.badInput("c").isCritical()).isFalse();
    }

    @Test
    void withoutAKindAFailureIsRetryableAsBeforeKindsExisted() {
        assertThat(new BackendException("x").kind()).isEqualTo(BackendException.Kind.RETRYABLE);
        assertThat(new BackendException("x", new RuntimeException()).kind()).isEqualTo(BackendException.Kind.RETRYABLE);
    }
}
