package dev.caravan.it;

import dev.caravan.testkit.FlowTest;

import dev.caravan.testkit.DaemonHarness;
import dev.caravan.testkit.FlowFixture;
import dev.caravan.testkit.GitFixtures;
import dev.caravan.testkit.Poll;

import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16.2: links under jobs/ (a job folder committed on main as a link to a folder outside the repo, a params.json
 * linked to a file elsewhere) are never followed: the job stays where it is and a WARNING names the link.
 */
@FlowTest
class SymlinkTest {

    private static final String BACKLOG = "jobs/PACA-CA/2021-06-20/backlog/";

    @TempDir
    Path dir;

    private FlowFixture fx;
    private DaemonHarness daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        fx.slack.close();
    }

    @Test
    void linkedJobFoldersAndFilesStayWhereTheyAre() throws Exception {
        fx = new FlowFixture(dir, 2);
        Path outside = Files.createDirectories(dir.resolve("outside/job.0009"));
        Files.writeString(outside.resolve("params.json"), "{\"n\": 9, \"fail\": false}\n");
        Files.writeString(dir.resolve("outside/params.json"), "{\"n\": 8, \"fail\": false}\n");
        Path opDir = dir.resolve("operator");
        try (Git op = GitFixtures.operatorClone(fx.remote, opDir)) {
            Files.createSymbolicLink(opDir.resolve(BACKLOG + "job.0009"), outside);
            Files.createDirectories(opDir.resolve(BACKLOG + "job.0008"));
            Files.createSymbolicLink(opDir.resolve(BACKLOG + "job.0008/params.json"), dir.resolve("outside/params.json"));
            FlowFixture.git(opDir, "add", "-A");
            FlowFixture.git(opDir, "commit", "-q", "-m", "two linked jobs");
            FlowFixture.git(opDir, "push", "-q", "origin", "main");
        }
        daemon = DaemonHarness.start(dir, fx.settings("local1", 4));
        Poll.until("the real jobs done", Duration.ofSeconds(30), () -> {
            daemon.cycle();
            return fx.jobsIn("completed").size() == 2;
        });
        daemon.cycle();

        assertThat(fx.runs()).containsExactlyInAnyOrder("job.0001", "job.0002");
        assertThat(Files.isSymbolicLink(fx.tracking().resolve(BACKLOG + "job.0009"))).isTrue();
        assertThat(Files.isSymbolicLink(fx.tracking().resolve(BACKLOG + "job.0008/params.json"))).isTrue();
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("params.json");
        }
        // a fresh clone has each job in one state folder, the links still links
        String tree = FlowFixture.git(fx.remote, "ls-tree", "-r", "scheduler", "jobs/");
        assertThat(tree).contains("120000 blob").contains(BACKLOG + "job.0009\n")
                .contains(BACKLOG + "job.0008/params.json\n");
        assertThat(tree.lines().filter(l -> l.contains("job.0009") || l.contains("job.0008"))).hasSize(2);
        Poll.until("the WARNING", Duration.ofSeconds(10), () -> fx.slack.anyContains("job.0009"));
        assertThat(fx.slack.texts()).filteredOn(t -> t.contains("symbolic link")).first()
                .satisfies(t -> assertThat(t).contains("WARNING").contains(BACKLOG + "job.0009 (to " + outside)
                        .contains(BACKLOG + "job.0008/params.json (to "));
    }
}
