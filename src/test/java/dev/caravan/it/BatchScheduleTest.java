package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.emulators.slack.SlackEmulator;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.Poll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.caravan.it.BatchApiTest.m;
import static org.assertj.core.api.Assertions.assertThat;

/** A start at a given time is kept in the batch folder: it survives a daemon restart, fires once, can be cancelled. */
@FlowTest
class BatchScheduleTest {

    @TempDir
    Path dir;

    @Test
    void aScheduleSurvivesARestartAndFiresOnce() throws Exception {
        Path remote = BatchDaemon.emptyRemote(dir);
        try (SlackEmulator slack = new SlackEmulator()) {
            Instant at;
            try (BatchDaemon first = BatchDaemon.start(dir, remote, slack.url())) {
                first.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "later"));
                first.call("PUT", "/batches/wepp-demo/later/resource", Files.readAllBytes(BatchApiTest.GEOJSON));
                first.call("POST", "/batches", Map.of("group", "wepp-demo", "batch", "never"));
                first.call("PUT", "/batches/wepp-demo/never/resource", Files.readAllBytes(BatchApiTest.GEOJSON));

                at = Instant.now().plusSeconds(3);
                BatchDaemon.Answer s = first.call("POST", "/batches/wepp-demo/later/start", Map.of("at", at.toString()));
                assertThat(s.status()).as(s.body()).isEqualTo(200);
                assertThat(m(s.json().get("scheduled"))).containsEntry("at", at.toString());
                first.call("POST", "/batches/wepp-demo/never/start", Map.of("at", "23:59"));
                BatchDaemon.Answer cancel = first.call("DELETE", "/batches/wepp-demo/never/schedule", null);
                assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
                assertThat(first.call("POST", "/batches/wepp-demo/later/start", Map.of("at", "yesterday")).json())
                        .containsEntry("field", "at");
                Poll.until("the schedule is committed", Duration.ofSeconds(30), () -> {
                    try {
                        // one cycle may commit several staged API changes together, under the cycle's message: look at the tree
                        return FlowFixture.git(dir.resolve("tracking"), "ls-tree", "-r", "--name-only", "HEAD")
                                .contains("jobs/wepp-demo/later/schedule.json");
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            assertThat(dir.resolve("tracking/jobs/wepp-demo/later/schedule.json")).exists();
            assertThat(dir.resolve("tracking/jobs/wepp-demo/never/schedule.json")).doesNotExist();

            try (BatchDaemon second = BatchDaemon.start(dir, remote, slack.url())) {
                assertThat(second.call("GET", "/batches/wepp-demo/later", null).json()).containsEntry("started", false);
                Poll.until("the scheduled start", Duration.ofSeconds(20), () -> {
                    tick(second);
                    return Boolean.TRUE.equals(second.call("GET", "/batches/wepp-demo/later", null).json().get("started"));
                });
                assertThat(Instant.now()).isAfterOrEqualTo(at);
                tick(second);
                tick(second);
                Poll.until("the notice", Duration.ofSeconds(5), () -> slack.anyContains("started as scheduled"));
                assertThat(slack.texts().stream().filter(t -> t.contains("started as scheduled")).count()).isEqualTo(1);
                assertThat(dir.resolve("tracking/jobs/wepp-demo/later/schedule.json")).doesNotExist();
                assertThat(second.call("GET", "/batches/wepp-demo/never", null).json()).containsEntry("started", false);
                // the started items would run on after the daemon stops and write into the folder being removed
                BatchDaemon.Answer abort = second.call("POST", "/batches/wepp-demo/later/abort", null);
                assertThat(abort.status()).as(abort.body()).isEqualTo(200);
            }
        }
    }

    private static void tick(BatchDaemon d) {
        d.daemon.context().createProducerTemplate().requestBody("direct:batches-tick", (Object) null);
    }
}
