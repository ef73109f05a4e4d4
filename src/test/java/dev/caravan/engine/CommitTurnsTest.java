package dev.caravan.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CommitTurnsTest {

    private final CommitTurns turns = new CommitTurns();

    @Test
    void requestsWaitingForTheSameCommitAreOne() {
        assertThat(turns.request()).as("the first request starts a commit").isTrue();
        assertThat(turns.request()).as("a second one joins it").isFalse();
        long c = turns.begin();
        assertThat(turns.request()).as("once it began, the next cycle's changes need another").isTrue();
        turns.succeeded(c);
        turns.end(c);
    }

    @Test
    void oneWriterAtATimeEvenAcrossThreads() throws Exception {
        long first = turns.begin();
        assertThat(turns.tryHold()).as("a merge does not get the clone while a commit is written").isFalse();
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(turns::begin);
        CompletableFuture<Void> fetch = CompletableFuture.runAsync(() -> {
            turns.hold();
            turns.release();
        });
        assertThat(second).as("the next commit waits").isNotDone();
        assertThat(fetch).as("a fetch waits").isNotDone();

        // given back on another thread than the one that took it, as a route may
        CompletableFuture.runAsync(() -> turns.end(first)).get(10, TimeUnit.SECONDS);
        turns.end(first); // a second end gives nothing back twice
        long next = second.get(10, TimeUnit.SECONDS); // the fetch, if it came first, gives it back at once
        assertThat(next).isEqualTo(first + 1);
        turns.succeeded(next);
        turns.end(next);
        fetch.get(10, TimeUnit.SECONDS);
        assertThat(turns.tryHold()).as("free again, once").isTrue();
        assertThat(turns.tryHold()).isFalse();
        turns.release();
    }

    @Test
    void aFailedCommitStandsUntilALaterOneGoesThrough() {
        long c1 = turns.begin();
        turns.end(c1); // ended without going through
        assertThat(turns.failing()).isTrue();
        assertThat(turns.failed(c1)).as("its failure stands: raise it").isTrue();

        long c2 = turns.begin();
        turns.end(c2);
        assertThat(turns.failed(c2)).as("still standing after the second failure").isTrue();

        long c3 = turns.begin();
        assertThat(turns.succeeded(c3)).as("the next commit that goes through clears it").isTrue();
        turns.end(c3);
        assertThat(turns.failing()).isFalse();

        long c4 = turns.begin();
        assertThat(turns.succeeded(c4)).as("nothing stood: nothing to clear").isFalse();
        turns.end(c4);
    }

    @Test
    void aFailureReportedAfterALaterCommitWentThroughRaisesNothing() {
        long c1 = turns.begin();
        turns.end(c1); // failed; its report comes late (the route's catch runs after the writer went on)
        long c2 = turns.begin();
        turns.succeeded(c2);
        turns.end(c2);
        assertThat(turns.failed(c1)).as("over already").isFalse();
        assertThat(turns.failing()).isFalse();
    }

    @Test
    void aSpacedCommitKeepsItsDistanceFromTheLastOneWithoutHoldingTheClone() throws Exception {
        java.time.Duration spacing = java.time.Duration.ofMillis(300);
        assertThat(turns.begin(spacing)).as("no commit ended yet: at once").isEqualTo(1);
        turns.succeeded(1);
        turns.end(1);
        long ended = System.nanoTime();

        assertThat(turns.request()).isTrue();
        CompletableFuture<Long> spaced = CompletableFuture.supplyAsync(() -> turns.begin(spacing));
        assertThat(turns.request()).as("while it waits, later cycles join it").isFalse();
        assertThat(turns.tryHold()).as("a merge may take the clone meanwhile").isTrue();
        turns.release();
        long next = spaced.get(10, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - ended).as("ns after the last commit ended").isGreaterThanOrEqualTo(spacing.toNanos());
        assertThat(next).isEqualTo(2);
        turns.succeeded(next);
        turns.end(next);

        long unspaced = turns.begin();
        assertThat(unspaced).as("a commit that is not spaced begins at once").isEqualTo(3);
        turns.end(unspaced);
    }
}
