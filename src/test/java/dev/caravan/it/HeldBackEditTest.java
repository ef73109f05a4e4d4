package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonFlowTest;
import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10.11: operators' edits on main held back (main has not taken in the scheduler's last push) used to be an
 * INFO log line only. After one push interval a WARNING goes out, once, saying what the operator must do.
 */
@FlowTest
class HeldBackEditTest extends DaemonFlowTest {

    @Test
    void oneWarningAfterAPushIntervalThenMergedWhenTheOperatorMerges() throws Exception {
        fx = new FlowFixture(dir, 1);
        Map<String, String> s = fx.settings("local1", 1);
        s.put("caravan.tracking.push-interval", "2s");
        daemon = DaemonHarness.start(dir, s);
        daemon.cycle(); // pushes the release
        Path opDir = dir.resolve("operator");
        try (Git op = GitFixtures.operatorClone(fx.remote, opDir)) {
            Files.writeString(opDir.resolve("NOTES.md"), "an edit made without merging scheduler first\n");
            GitFixtures.commitAllAndPush(op, "notes");
        }
        Instant heldFrom = Instant.now();
        Poll.until("the WARNING", Duration.ofSeconds(20), () -> {
            daemon.cycle();
            return count("are held back since") == 1;
        });
        assertThat(Duration.between(heldFrom, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("are held back since")).singleElement()
                .satisfies(t -> assertThat(t).contains("WARNING").contains("git merge origin/scheduler")
                        .contains("git push origin main"));
        Instant later = Instant.now().plusSeconds(3);
        Poll.until("more cycles past another push interval", Duration.ofSeconds(20), () -> {
            daemon.cycle();
            return Instant.now().isAfter(later);
        });
        assertThat(count("are held back since")).isEqualTo(1);
        assertThat(fx.tracking().resolve("NOTES.md")).doesNotExist();

        try (Git op = Git.open(opDir.toFile())) {
            GitFixtures.mergeScheduler(op);
            op.push().setRemote("origin").call();
        }
        daemon.cycle();
        assertThat(fx.tracking().resolve("NOTES.md")).exists();
        Poll.until("the clear", Duration.ofSeconds(10), () -> count("operators' edits are merged again") == 1);
    }
}
