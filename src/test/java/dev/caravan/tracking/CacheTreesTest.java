package dev.caravan.tracking;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheTree;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.caravan.tracking.GitRepoTest.git;
import static dev.caravan.tracking.GitRepoTest.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stage keeps the index's trees (git's TREE extension) for the folders it did not touch and hashes only the touched
 * ones ({@link CacheTrees}): the index leaves every stage with all its trees, and they are the trees a full rebuild
 * gives, whatever was moved, added or removed. Real repositories, made and checked with the git CLI.
 */
class CacheTreesTest {

    @TempDir
    Path tmp;

    /** Many jobs in several batches and states, committed by the git CLI (whose index holds every tree). */
    private Path seeded() throws Exception {
        Path dir = tmp.resolve("clone");
        Files.createDirectories(dir);
        git(dir, "init", "-q", "-b", "scheduler");
        for (String group : List.of("CMDI-UK", "PACA-CA")) {
            for (String batch : List.of("2021-08-27", "2021-08-31")) {
                for (int i = 1; i <= 30; i++) {
                    String state = i <= 10 ? "backlog" : i <= 20 ? "queued" : "completed";
                    String job = "jobs/" + group + "/" + batch + "/" + state + "/job." + String.format("%04d", i);
                    write(dir, job + "/params.json", "{\"id\": " + i + "}\n");
                    if (i > 10) {
                        write(dir, job + "/run.1630000000.rdpc_prod.wes-" + group + batch + i, "");
                    }
                }
            }
        }
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "seed");
        return dir;
    }

    private static void move(Path dir, String from, String to) throws Exception {
        Files.createDirectories(dir.resolve(to).getParent());
        Files.move(dir.resolve(from), dir.resolve(to));
    }

    @Test
    void aStageKeepsTheUntouchedTreesAndHashesTheTouchedOnesAsAFullRebuildWould() throws Exception {
        Path dir = seeded();
        try (GitRepo repo = GitRepo.openAsIs(dir)) {
            Repository r = repo.repository();
            assertThat(r.readDirCache().getCacheTree(false)).as("git's index holds its trees").isNotNull();
            DirCacheTree seedTrees = r.readDirCache().getCacheTree(false);
            ObjectId untouchedBefore = childId(seedTrees, "jobs", "PACA-CA", "2021-08-31");

            // a cycle's change: moves (one into a state folder that does not exist yet), a run marker, a job gone
            String b = "jobs/CMDI-UK/2021-08-27/";
            move(dir, b + "queued/job.0011", b + "completed/job.0011");
            move(dir, b + "backlog/job.0001", b + "queued/job.0001");
            write(dir, b + "queued/job.0001/run.1630000100.rdpc_prod.wes-new", "");
            move(dir, b + "queued/job.0012", b + "failed/job.0012");
            Files.delete(dir.resolve(b + "backlog/job.0002/params.json"));
            Files.delete(dir.resolve(b + "backlog/job.0002"));
            List<String> touched = new ArrayList<>(List.of(b + "queued/job.0011", b + "completed/job.0011",
                    b + "backlog/job.0001", b + "queued/job.0001", b + "queued/job.0012", b + "failed/job.0012",
                    b + "backlog/job.0002"));
            repo.stage(touched);

            DirCache staged = r.readDirCache();
            DirCacheTree trees = staged.getCacheTree(false);
            assertThat(trees).as("the index leaves the stage with its trees").isNotNull();
            assertThat(trees.isValid()).isTrue();
            assertThat(trees.getObjectId()).as("the kept and hashed trees are a full rebuild's")
                    .isEqualTo(fullRebuild(r, staged));
            assertThat(childId(trees, "jobs", "PACA-CA", "2021-08-31")).as("an untouched batch keeps its tree")
                    .isEqualTo(untouchedBefore);

            // a large stage (an intake's pack) on top of the kept trees: still a full rebuild's
            List<String> many = new ArrayList<>();
            for (int i = 1; i <= GitRepo.PACK_FROM + 6; i++) {
                String job = "jobs/NEW-GR/2021-09-01/backlog/job." + String.format("%04d", i);
                write(dir, job + "/params.json", "{\"new\": " + i + "}\n");
                many.add(job);
            }
            repo.stage(many);
            DirCache after = r.readDirCache();
            assertThat(after.getCacheTree(false).getObjectId()).isEqualTo(fullRebuild(r, after));

            repo.commit("[scheduler] update job status");
        }
        // what git makes of the commit: every object there, the tree as the files on disk
        git(dir, "fsck", "--full", "--strict");
        assertThat(git(dir, "status", "--porcelain")).isEmpty();
        assertThat(git(dir, "ls-tree", "-r", "--name-only", "HEAD")).contains(
                "jobs/CMDI-UK/2021-08-27/completed/job.0011/params.json",
                "jobs/CMDI-UK/2021-08-27/queued/job.0001/run.1630000100.rdpc_prod.wes-new",
                "jobs/CMDI-UK/2021-08-27/failed/job.0012/params.json", "jobs/NEW-GR/2021-09-01/backlog/job.0070/params.json")
                .doesNotContain("jobs/CMDI-UK/2021-08-27/backlog/job.0002/params.json");
    }

    @Test
    void anIndexWithoutTreesGetsThemAllAtItsNextStage() throws Exception {
        Path dir = seeded();
        try (GitRepo repo = GitRepo.openAsIs(dir)) {
            Repository r = repo.repository();
            // as a JGit merge or checkout leaves it: the entries without their trees
            DirCache dc = r.lockDirCache();
            DirCacheBuilder rewrite = dc.builder();
            for (int i = 0; i < dc.getEntryCount(); i++) {
                rewrite.add(dc.getEntry(i));
            }
            rewrite.commit();
            assertThat(r.readDirCache().getCacheTree(false)).isNull();

            move(dir, "jobs/PACA-CA/2021-08-31/backlog/job.0003", "jobs/PACA-CA/2021-08-31/queued/job.0003");
            repo.stage(List.of("jobs/PACA-CA/2021-08-31/backlog/job.0003", "jobs/PACA-CA/2021-08-31/queued/job.0003"));
            DirCache staged = r.readDirCache();
            assertThat(staged.getCacheTree(false)).isNotNull();
            assertThat(staged.getCacheTree(false).getObjectId()).isEqualTo(fullRebuild(r, staged));
            repo.commit("[scheduler] update job status");
        }
        git(dir, "fsck", "--full", "--strict");
        assertThat(git(dir, "status", "--porcelain")).isEmpty();
    }

    @Test
    void theTreesJGitReadAreKeptThroughAnEditOfTheIndex() throws Exception {
        Path dir = seeded();
        try (GitRepo repo = GitRepo.openAsIs(dir)) {
            DirCache dc = repo.repository().readDirCache();
            DirCacheTree before = dc.getCacheTree(false);
            org.eclipse.jgit.dircache.DirCacheEditor ed = dc.editor();
            ed.add(new org.eclipse.jgit.dircache.DirCacheEditor.DeleteTree("jobs/PACA-CA/2021-08-27/backlog/job.0001"));
            ed.finish();
            assertThat(dc.getCacheTree(false)).as("JGit drops the trees on an edit").isNull();
            // this JGit's fields are the ones CacheTrees knows: it keeps the trees instead of a full rebuild
            assertThat(CacheTrees.keep(dc, before, List.of("jobs/PACA-CA/2021-08-27/backlog/job.0001"))).isTrue();
            assertThat(dc.getCacheTree(false)).isSameAs(before);
            assertThat(before.isValid()).as("the root is hashed again").isFalse();
            assertThat(childId(before, "jobs", "CMDI-UK")).as("another group is kept").isNotNull();
            assertThat(dc.writeTree(repo.repository().newObjectInserter())).isEqualTo(fullRebuild(repo.repository(), dc));
        }
    }

    /** The root tree of these entries hashed from nothing (no kept trees), without storing anything. */
    private static ObjectId fullRebuild(Repository r, DirCache from) throws Exception {
        DirCache copy = DirCache.newInCore();
        DirCacheBuilder b = copy.builder();
        for (int i = 0; i < from.getEntryCount(); i++) {
            b.add(from.getEntry(i));
        }
        b.finish();
        try (ObjectInserter.Formatter f = new ObjectInserter.Formatter() {
            @Override
            public ObjectId insert(int type, long length, java.io.InputStream in) throws java.io.IOException {
                return idFor(type, length, in);
            }

            @Override
            public ObjectId insert(int type, byte[] data, int off, int len) {
                return idFor(type, data, off, len);
            }
        }) {
            return copy.writeTree(f);
        }
    }

    private static ObjectId childId(DirCacheTree t, String... names) {
        DirCacheTree at = t;
        for (String n : names) {
            DirCacheTree next = null;
            for (int i = 0; i < at.getChildCount(); i++) {
                if (at.getChild(i).getNameString().equals(n)) {
                    next = at.getChild(i);
                }
            }
            assertThat(next).as("tree %s in %s", n, at.getPathString()).isNotNull();
            at = next;
        }
        assertThat(at.isValid()).isTrue();
        return at.getObjectId();
    }
}
