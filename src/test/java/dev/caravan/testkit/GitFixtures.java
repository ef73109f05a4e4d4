package dev.caravan.testkit;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Real Git repositories for tests: a bare remote seeded with a tree, and operators' clones of it. */
public final class GitFixtures {

    private GitFixtures() {
    }

    /** A bare repo at {@code bare} whose {@code main} holds a copy of {@code content} (a folder with jobs/). */
    public static Path bareRemote(Path bare, Path content) throws Exception {
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        Path work = Files.createTempDirectory("seed");
        try (Git g = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            copy(content, work);
            g.add().addFilepattern(".").call();
            g.commit().setMessage("seed").setSign(false).setAuthor("Op", "op@x").setCommitter("Op", "op@x").call();
            g.push().setRemote(bare.toUri().toString()).setRefSpecs(new RefSpec("main:main")).call();
        }
        return bare;
    }

    /** An operator's clone of the admin branch. */
    public static Git operatorClone(Path bare, Path dir) throws Exception {
        Git g = Git.cloneRepository().setURI(bare.toUri().toString()).setDirectory(dir.toFile()).setBranch("main").call();
        g.getRepository().getConfig().setString("user", null, "name", "Operator");
        g.getRepository().getConfig().setString("user", null, "email", "op@example.org");
        g.getRepository().getConfig().setBoolean("commit", null, "gpgsign", false);
        g.getRepository().getConfig().save();
        return g;
    }

    /** {@code git merge origin/scheduler} in an operator clone, as the ICGC README tells operators to do. */
    public static void mergeScheduler(Git op) throws Exception {
        op.fetch().setRemote("origin").call();
        op.merge().include(op.getRepository().resolve("refs/remotes/origin/scheduler")).setMessage("merge scheduler").call();
    }

    public static void commitAllAndPush(Git op, String message) throws Exception {
        op.add().addFilepattern(".").call();
        op.add().addFilepattern(".").setUpdate(true).call();
        op.commit().setMessage(message).setSign(false).call();
        op.push().setRemote("origin").setRefSpecs(new RefSpec("main:main")).call();
    }

    /** Writes a tree of {@code n} backlog jobs {@code jobs/<group>/<batch>/backlog/job.NNNN/params.json}. */
    public static Path jobsTree(Path root, String group, String batch, int n, String paramsTemplate) throws IOException {
        for (int i = 1; i <= n; i++) {
            String id = String.format("job.%04d", i);
            Path d = root.resolve("jobs").resolve(group).resolve(batch).resolve("backlog").resolve(id);
            Files.createDirectories(d);
            Files.writeString(d.resolve("params.json"), paramsTemplate.replace("#", Integer.toString(i)),
                    StandardCharsets.UTF_8);
        }
        return root;
    }

    public static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
