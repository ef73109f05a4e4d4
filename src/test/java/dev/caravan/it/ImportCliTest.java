package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.LockProbe;
import dev.caravan.testkit.Poll;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.caravan.it.CliTest.caravan;
import static org.assertj.core.api.Assertions.assertThat;

/** `import` from the command line into an operator's clone, committed there; and into a running daemon's clone, refused. */
@FlowTest
class ImportCliTest {

    @TempDir
    Path dir;

    @Test
    void importCommitsNewBacklogJobsInAnOperatorClone() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 1);
        fx.slack.close();
        Path op = dir.resolve("op");
        GitFixtures.operatorClone(fx.remote, op).close();
        Path csv = Files.writeString(dir.resolve("rows.csv"), "sample,analysis_id\nS1,a-1\nS2,\"a-2\"\n");

        CliTest.Result r = caravan("import", "--group", "BOCA-UK", "--batch", "2021-07-12", "--from", csv.toString(),
                "--unique-key", "analysis_id", "--tracking", op.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("imported 2 jobs into BOCA-UK/2021-07-12");
        assertThat(Files.readString(op.resolve("jobs/BOCA-UK/2021-07-12/backlog/job.0002/params.json")))
                .contains("\"analysis_id\": \"a-2\"");
        try (Git g = Git.open(op.toFile())) {
            assertThat(g.status().call().isClean()).isTrue();
            assertThat(g.log().setMaxCount(1).call().iterator().next().getFullMessage())
                    .startsWith("[import] BOCA-UK/2021-07-12: 2 jobs from rows.csv");
            assertThat(g.getRepository().getBranch()).isEqualTo("main");
        }

        CliTest.Result again = caravan("import", "--group", "BOCA-UK", "--batch", "auto", "--from", csv.toString(),
                "--unique-key", "analysis_id", "--tracking", op.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("a-1").contains("a-2");
        assertThat(caravan("report", "--tracking", op.toString()).out()).contains("BOCA-UK backlog 2\n");
    }

    @Test
    void withoutTrackingTheConfiguredRepoIsClonedFirstAndTheImportCommittedThere() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 1);
        fx.slack.close();
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), fx.settings("local1", 1));
        Path csv = Files.writeString(dir.resolve("rows.csv"), "sample\nS1\nS2\n");
        assertThat(fx.tracking()).doesNotExist();

        CliTest.Result r = caravan("import", "--group", "BOCA-UK", "--batch", "b1", "--from", csv.toString(),
                "--config", config.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("imported 2 jobs into BOCA-UK/b1 (backlog)");
        try (Git g = Git.open(fx.tracking().toFile())) {
            assertThat(g.getRepository().getBranch()).isEqualTo("scheduler");
            assertThat(g.status().call().isClean()).isTrue();
            assertThat(g.log().setMaxCount(1).call().iterator().next().getFullMessage())
                    .isEqualTo("[import] BOCA-UK/b1: 2 jobs from rows.csv");
        }
        assertThat(fx.tracking().resolve("jobs/BOCA-UK/b1/backlog/job.0002/params.json")).exists();
        assertThat(fx.tracking().resolve("jobs/PACA-CA/2021-06-20/backlog/job.0001/params.json")).exists();
    }

    @Test
    void beforeTheFirstStartTrackingNamingTheConfiguredCloneClonesItFirstAndTheDaemonThenStarts() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 1);
        Map<String, String> s = fx.settings("local1", 1);
        Path config = DaemonHarness.writeConfig(dir.resolve("c.properties"), s);
        Path csv = Files.writeString(dir.resolve("rows.csv"), "sample\nS1\nS2\n");
        assertThat(fx.tracking()).doesNotExist();

        CliTest.Result r = caravan("import", "--group", "BOCA-UK", "--batch", "b1", "--from", csv.toString(),
                "--config", config.toString(), "--tracking", fx.tracking().toString());
        assertThat(r.code()).as(r.err()).isZero();
        try (Git g = Git.open(fx.tracking().toFile())) {
            assertThat(g.getRepository().getBranch()).isEqualTo("scheduler");
            assertThat(g.status().call().isClean()).isTrue();
            assertThat(g.log().setMaxCount(1).call().iterator().next().getFullMessage())
                    .isEqualTo("[import] BOCA-UK/b1: 2 jobs from rows.csv");
        }
        try (DaemonHarness daemon = DaemonHarness.start(dir, s)) {
            assertThat(daemon.engine().report()).contains("BOCA-UK backlog 2\n").contains("PACA-CA backlog 1\n");
        } finally {
            fx.slack.close();
        }
    }

    @Test
    void aTrackingFolderThatIsNotThereIsRefusedAndNotMade() throws Exception {
        Path csv = Files.writeString(dir.resolve("rows.csv"), "sample\nS1\n");
        Path missing = dir.resolve("no-such-clone");
        CliTest.Result r = caravan("import", "--group", "BOCA-UK", "--batch", "b1", "--from", csv.toString(),
                "--tracking", missing.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--tracking " + missing + ": no such folder");
        assertThat(missing).doesNotExist();

        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliTest.Result e = caravan("import", "--group", "BOCA-UK", "--batch", "b1", "--from", csv.toString(),
                "--tracking", empty.toString());
        assertThat(e.code()).isEqualTo(1);
        assertThat(e.err()).contains("neither a clone of the tracking repo (.git) nor a tracking tree (jobs/)");
        try (var l = Files.list(empty)) {
            assertThat(l.toList()).isEmpty();
        }
    }

    @Test
    void importIsRefusedWhileADaemonHoldsTheClone() throws Exception {
        FlowFixture fx = new FlowFixture(dir, 1);
        Map<String, String> s = fx.settings("local1", 1);
        s.put("caravan.triggers.enabled", "true");
        s.put("caravan.cycle.cron", "0 0 0 1 1 ? 2099");
        Path csv = Files.writeString(dir.resolve("rows.csv"), "sample\nS1\n");
        try (DaemonHarness daemon = DaemonHarness.start(dir, s)) {
            Path lock = fx.tracking().resolve(".git/caravan/cycle");
            Poll.until("daemon is leader", java.time.Duration.ofSeconds(20), () -> lock.toFile().exists() && LockProbe.heldElsewhere(lock));
            CliTest.Result r = caravan("import", "--group", "BOCA-UK", "--batch", "b1", "--from", csv.toString(),
                    "--tracking", fx.tracking().toString());
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).contains("a Caravan daemon holds");
            assertThat(fx.tracking().resolve("jobs/BOCA-UK")).doesNotExist();
        } finally {
            fx.slack.close();
        }
    }
}
