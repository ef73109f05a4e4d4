package dev.caravan.tracking;

import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real repositories in a temp folder: JGit through {@link GitRepo}, checked with the git CLI. */
class GitRepoTest {

    private static final String BATCH = "jobs/PACA-CA/2021-06-20/";

    @TempDir
    Path tmp;

    // --- helpers ---------------------------------------------------------------------------------

    /** Runs the git CLI isolated from the machine's configuration; fails the test on a non-zero exit. */
    static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Operator", "-c", "user.email=op@example.org",
                "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
            pb.environment().put("LC_ALL", "C");
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            assertThat(rc).as("git %s in %s: %s", String.join(" ", args), dir, out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run git", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void write(Path root, String rel, String content) throws IOException {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }

    static String params(String id) {
        return "{\"analysis_id\": \"" + id + "\"}\n";
    }

    static void seedJobs(Path root) throws IOException {
        write(root, BATCH + "batch-summary.tsv", "analysis_id\nA1\nA2\n");
        write(root, BATCH + "backlog/job.0001/params.json", params("A1"));
        write(root, BATCH + "backlog/job.0001/run.1624228528.local.r1", "");
        write(root, BATCH + "backlog/job.0002/params.json", params("A2"));
    }

    static JobRef job(String id) {
        return new JobRef("PACA-CA", "2021-06-20", id);
    }

    /** What a cycle does: move a job, stage exactly what moved, commit. */
    static void schedulerMove(GitRepo repo, String jobId, State to) {
        TrackingTree tree = new TrackingTree(repo.workTree(), Optional.empty());
        assertThat(tree.load().warnings()).isEmpty();
        tree.move(job(jobId), to, "test");
        repo.stage(tree.takeTouched());
        repo.commit("[scheduler] " + jobId + " to " + to);
    }

    /** What the routes do through camel-git: push the scheduler branch with JGit. */
    static void schedulerPush(GitRepo repo) throws GitAPIException {
        GitRepo.checkPushResults(Git.wrap(repo.repository()).push().setRemote(GitRepo.REMOTE)
                .setRefSpecs(new RefSpec("refs/heads/" + repo.branch() + ":refs/heads/" + repo.branch())).call());
    }

    static String head(Path dir) {
        return git(dir, "rev-parse", "HEAD").strip();
    }

    static void assertClean(Path dir) {
        assertThat(git(dir, "status", "--porcelain", "--untracked-files=all")).isEmpty();
        assertThat(dir.resolve(".git/MERGE_HEAD")).doesNotExist();
    }

    record Remote(Path bare, Path admin) {
    }

    /** A bare remote whose main branch holds the seed jobs, and an operator's clone of it. */
    Remote remote() throws IOException {
        Path bare = tmp.resolve("remote.git");
        git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
        Path admin = tmp.resolve("admin");
        git(tmp, "init", "-q", "-b", "main", admin.toString());
        seedJobs(admin);
        git(admin, "add", "-A");
        git(admin, "commit", "-q", "-m", "seed jobs");
        git(admin, "remote", "add", "origin", bare.toString());
        git(admin, "push", "-q", "origin", "main");
        return new Remote(bare, admin);
    }

    static void adminCommitAndPush(Path admin, String message) {
        git(admin, "add", "-A");
        git(admin, "commit", "-q", "-m", message);
        git(admin, "push", "-q", "origin", "main");
    }

    static void adminMergesScheduler(Path admin) {
        git(admin, "fetch", "-q", "origin");
        git(admin, "merge", "-q", "--no-edit", "origin/scheduler");
    }

    // --- local repository ------------------------------------------------------------------------

    @Test
    void aMoveIsCommittedAsExactlyItsRenameAndLeavesNothingBehind() throws Exception {
        Path work = tmp.resolve("tracking");
        try (GitRepo repo = GitRepo.open(work, "", "scheduler", "main")) {
            assertThat(repo.hasRemote()).isFalse();
            seedJobs(work);
            try (Git g = Git.wrap(repo.repository())) {
                g.add().addFilepattern(".").call();
                g.commit().setMessage("initial").setSign(false).setAuthor("T", "t@example.org")
                        .setCommitter("T", "t@example.org").call();
            }
            String initial = head(work);

            schedulerMove(repo, "job.0001", State.QUEUED);

            assertThat(git(work, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("scheduler");
            assertThat(git(work, "rev-parse", "HEAD~1").strip()).isEqualTo(initial);
            assertThat(git(work, "diff-tree", "-r", "--no-commit-id", "--no-renames", "--name-status", "HEAD")
                    .lines().sorted().toList()).containsExactly(
                    "A\t" + BATCH + "queued/job.0001/params.json",
                    "A\t" + BATCH + "queued/job.0001/run.1624228528.local.r1",
                    "D\t" + BATCH + "backlog/job.0001/params.json",
                    "D\t" + BATCH + "backlog/job.0001/run.1624228528.local.r1");
            assertThat(git(work, "diff-tree", "-r", "--no-commit-id", "-M", "--name-status", "HEAD")
                    .lines().toList()).allMatch(l -> l.startsWith("R100\t"));
            assertThat(git(work, "show", "HEAD:" + BATCH + "queued/job.0001/params.json")).isEqualTo(params("A1"));
            assertThat(git(work, "log", "-1", "--format=%an <%ae>|%s"))
                    .isEqualTo(GitRepo.AUTHOR_NAME + " <" + GitRepo.AUTHOR_EMAIL + ">|[scheduler] job.0001 to queued\n");
            assertClean(work);
            assertThat(repo.indexDiffersFromHead()).isFalse();
            assertThat(repo.mergeAdmin().kind()).isEqualTo(MergeOutcome.Kind.LOCAL_ONLY);
        }
    }

    @Test
    void aJobFolderWithASubfolderIsCommittedAsItsRenameToo() throws Exception {
        Path work = tmp.resolve("tracking");
        try (GitRepo repo = GitRepo.open(work, "", "scheduler", "main")) {
            seedJobs(work);
            write(work, BATCH + "backlog/job.0002/logs/stdout.txt", "hello\n");
            try (Git g = Git.wrap(repo.repository())) {
                g.add().addFilepattern(".").call();
            }
            repo.commit("initial");

            schedulerMove(repo, "job.0002", State.FAILED);

            assertThat(git(work, "diff-tree", "-r", "--no-commit-id", "--no-renames", "--name-status", "HEAD")
                    .lines().sorted().toList()).containsExactly(
                    "A\t" + BATCH + "failed/job.0002/logs/stdout.txt",
                    "A\t" + BATCH + "failed/job.0002/params.json",
                    "D\t" + BATCH + "backlog/job.0002/logs/stdout.txt",
                    "D\t" + BATCH + "backlog/job.0002/params.json");
            assertClean(work);
        }
    }

    @Test
    void stagedButUncommittedIsSeenAsIndexDifferingFromHead() throws Exception {
        Path work = tmp.resolve("tracking");
        try (GitRepo repo = GitRepo.open(work, "", "scheduler", "main")) {
            seedJobs(work);
            try (Git g = Git.wrap(repo.repository())) {
                g.add().addFilepattern(".").call();
            }
            repo.commit("initial");
            TrackingTree tree = new TrackingTree(work, Optional.empty());
            tree.load();
            tree.move(job("job.0002"), State.FAILED, "test");

            repo.stage(tree.takeTouched());

            assertThat(repo.indexDiffersFromHead()).isTrue();
            assertThat(git(work, "diff", "--cached", "--name-status", "--no-renames").lines().sorted().toList())
                    .containsExactly("A\t" + BATCH + "failed/job.0002/params.json",
                            "D\t" + BATCH + "backlog/job.0002/params.json");
        }
    }

    // --- with a remote ---------------------------------------------------------------------------

    @Test
    void openClonesOntoTheSchedulerBranchStartingFromAdmin() throws Exception {
        Remote r = remote();

        try (GitRepo repo = GitRepo.open(tmp.resolve("clone"), r.bare().toString(), "scheduler", "main")) {
            Path clone = repo.workTree();
            assertThat(repo.hasRemote()).isTrue();
            assertThat(git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("scheduler");
            assertThat(head(clone)).isEqualTo(head(r.admin()));
            assertThat(clone.resolve(BATCH + "backlog/job.0001/params.json")).content().isEqualTo(params("A1"));
            assertClean(clone);
            assertThat(repo.mergeAdmin().kind()).isEqualTo(MergeOutcome.Kind.UP_TO_DATE);
        }
    }

    @Test
    void adminThatMergedTheSchedulerAndMovedOnIsMerged() throws Exception {
        Remote r = remote();
        try (GitRepo repo = GitRepo.open(tmp.resolve("clone"), r.bare().toString(), "scheduler", "main")) {
            Path clone = repo.workTree();
            schedulerMove(repo, "job.0001", State.QUEUED);
            schedulerPush(repo);
            adminMergesScheduler(r.admin());
            write(r.admin(), BATCH + "backlog/job.0003/params.json", params("A3"));
            adminCommitAndPush(r.admin(), "operator adds job.0003");

            MergeOutcome out = repo.mergeAdmin();

            assertThat(out.kind()).isEqualTo(MergeOutcome.Kind.MERGED);
            assertThat(out.changedTree()).isTrue();
            assertThat(head(clone)).isEqualTo(head(r.admin())); // a fast-forward
            assertThat(clone.resolve(BATCH + "backlog/job.0003/params.json")).content().isEqualTo(params("A3"));
            assertThat(clone.resolve(BATCH + "queued/job.0001/params.json")).exists();
            assertThat(git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("scheduler");
            assertClean(clone);
        }
    }

    @Test
    void adminMergedWhileTheSchedulerHasNewLocalCommitsMakesAMergeCommit() throws Exception {
        Remote r = remote();
        try (GitRepo repo = GitRepo.open(tmp.resolve("clone"), r.bare().toString(), "scheduler", "main")) {
            Path clone = repo.workTree();
            schedulerMove(repo, "job.0001", State.QUEUED);
            schedulerPush(repo);
            adminMergesScheduler(r.admin());
            write(r.admin(), BATCH + "backlog/job.0003/params.json", params("A3"));
            adminCommitAndPush(r.admin(), "operator adds job.0003");
            schedulerMove(repo, "job.0002", State.QUEUED); // not pushed yet
            String before = head(clone);

            assertThat(repo.mergeAdmin().kind()).isEqualTo(MergeOutcome.Kind.MERGED);

            assertThat(git(clone, "rev-list", "--parents", "-n", "1", "HEAD").strip().split(" "))
                    .containsExactly(head(clone), before, head(r.admin()));
            assertThat(clone.resolve(BATCH + "backlog/job.0003/params.json")).exists();
            assertThat(clone.resolve(BATCH + "queued/job.0002/params.json")).exists();
            assertThat(clone.resolve(BATCH + "backlog/job.0002")).doesNotExist();
            assertClean(clone);
        }
    }

    @Test
    void adminWithoutTheLastPushedSchedulerCommitIsWaitedFor() throws Exception {
        Remote r = remote();
        try (GitRepo repo = GitRepo.open(tmp.resolve("clone"), r.bare().toString(), "scheduler", "main")) {
            Path clone = repo.workTree();
            schedulerMove(repo, "job.0001", State.QUEUED);
            schedulerPush(repo);
            write(r.admin(), BATCH + "backlog/job.0003/params.json", params("A3"));
            adminCommitAndPush(r.admin(), "operator adds job.0003 without merging scheduler");
            String before = head(clone);

            MergeOutcome out = repo.mergeAdmin();

            assertThat(out.kind()).isEqualTo(MergeOutcome.Kind.WAITING);
            assertThat(out.changedTree()).isFalse();
            assertThat(head(clone)).isEqualTo(before);
            assertThat(clone.resolve(BATCH + "backlog/job.0003")).doesNotExist();
            assertClean(clone);
        }
    }

    @Test
    void conflictingEditsOfTheSameFileThrowAndChangeNothing() throws Exception {
        Remote r = remote();
        try (GitRepo repo = GitRepo.open(tmp.resolve("clone"), r.bare().toString(), "scheduler", "main")) {
            Path clone = repo.workTree();
            schedulerMove(repo, "job.0001", State.QUEUED);
            schedulerPush(repo);
            adminMergesScheduler(r.admin());
            write(r.admin(), BATCH + "batch-summary.tsv", "analysis_id\nA1\nA2-edited-by-operator\n");
            adminCommitAndPush(r.admin(), "operator edits the summary");
            TrackingTree tree = new TrackingTree(clone, Optional.empty());
            tree.load();
            tree.write(dev.caravan.model.TreeFile.ofBatch("PACA-CA", "2021-06-20", "batch-summary.tsv"), "analysis_id\nA1\nA2-edited-by-scheduler\n");
            repo.stage(tree.takeTouched());
            repo.commit("[scheduler] summary");
            String before = head(clone);

            assertThatThrownBy(repo::mergeAdmin).isInstanceOfSatisfying(GitConflictException.class, e ->
                    assertThat(e.paths()).containsExactly(BATCH + "batch-summary.tsv"));

            assertThat(head(clone)).isEqualTo(before);
            assertThat(git(clone, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("scheduler");
            assertThat(clone.resolve(BATCH + "batch-summary.tsv")).content()
                    .isEqualTo("analysis_id\nA1\nA2-edited-by-scheduler\n");
            assertClean(clone);
        }
    }

    @Test
    void anOperatorEditingAJobTheSchedulerMovedIsAConflictThatChangesNothing() throws Exception {
        Remote r = remote();
        try (GitRepo repo = GitRepo.open(tmp.resolve("clone"), r.bare().toString(), "scheduler", "main")) {
            Path clone = repo.workTree();
            schedulerMove(repo, "job.0001", State.QUEUED);
            schedulerPush(repo);
            adminMergesScheduler(r.admin());
            write(r.admin(), BATCH + "backlog/job.0002/params.json", params("A2-fixed"));
            adminCommitAndPush(r.admin(), "operator fixes job.0002");
            schedulerMove(repo, "job.0002", State.QUEUED);
            String before = head(clone);

            assertThatThrownBy(repo::mergeAdmin).isInstanceOf(GitConflictException.class)
                    .hasMessageContaining(BATCH + "backlog/job.0002/params.json");

            assertThat(head(clone)).isEqualTo(before);
            assertThat(clone.resolve(BATCH + "queued/job.0002/params.json")).content().isEqualTo(params("A2"));
            assertThat(clone.resolve(BATCH + "backlog/job.0002")).doesNotExist();
            assertClean(clone);
        }
    }
}
