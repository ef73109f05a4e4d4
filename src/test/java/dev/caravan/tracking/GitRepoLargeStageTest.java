package dev.caravan.tracking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.caravan.tracking.GitRepoTest.git;
import static dev.caravan.tracking.GitRepoTest.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An intake of thousands of jobs is one pack, not a loose object file per params.json and per job folder: counted
 * in the object database, not timed. The commit after it writes no tree of its own.
 */
class GitRepoLargeStageTest {

    @TempDir
    Path tmp;

    @Test
    void aLargeStageWritesOnePackAndTheCommitAfterItNoLooseObjectPerJob() throws Exception {
        Path dir = tmp.resolve("clone");
        GitRepo repo = GitRepo.open(dir, "", "scheduler", "main");
        write(dir, "jobs/seed/.gitkeep", "");
        repo.stage(List.of("jobs/seed/.gitkeep"));
        repo.commit("seed");
        long looseBefore = looseObjects(dir);

        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String p = "jobs/demo/rows/backlog/item-" + i + "/params.json";
            write(dir, p, "{\"index\": " + i + "}\n");
            paths.add(p);
        }
        repo.stage(paths);
        repo.commit("500 items");

        // 500 blobs, 500 job-folder trees and 4 more trees would be 1,004 loose files; the commit object is the one
        assertThat(looseObjects(dir) - looseBefore).as("loose objects written by the stage and the commit").isLessThanOrEqualTo(1);
        assertThat(packs(dir)).as("packs").hasSize(1);
        assertThat(git(dir, "ls-tree", "-r", "--name-only", "HEAD").lines().filter(l -> l.endsWith("params.json")).count())
                .isEqualTo(500);
        assertThat(git(dir, "status", "--porcelain")).isEmpty();
        assertThat(git(dir, "fsck", "--no-dangling")).doesNotContain("missing");

        // a small stage (a cycle's moves) stays loose: no pack per cycle
        write(dir, "jobs/demo/rows/backlog/item-0/run.1.demo.r1", "");
        repo.stage(List.of("jobs/demo/rows/backlog/item-0/run.1.demo.r1"));
        repo.commit("one run");
        assertThat(packs(dir)).hasSize(1);
        assertThat(git(dir, "show", "--stat", "HEAD")).contains("run.1.demo.r1");
    }

    private static long looseObjects(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve(".git/objects"))) {
            return s.filter(Files::isRegularFile).filter(p -> p.getParent().getFileName().toString().matches("[0-9a-f]{2}")).count();
        }
    }

    private static List<Path> packs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(".git/objects/pack"))) {
            return s.filter(p -> p.toString().endsWith(".pack")).toList();
        }
    }
}
