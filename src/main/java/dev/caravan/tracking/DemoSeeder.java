package dev.caravan.tracking;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.RefSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * For the embedded demo: when the remote is a local path that does not exist yet, make it a bare
 * repository whose admin branch holds a copy of the seed folder, so a first start needs nothing else.
 */
public final class DemoSeeder {

    static {
        SystemGitConfig.install();
    }

    private DemoSeeder() {
    }

    /** Whether {@code remote} names a local folder rather than a URL. */
    public static boolean isLocalPath(String remote) {
        return remote != null && !remote.isBlank() && !remote.contains("://") && !remote.matches("^[^/]+@[^/]+:.*");
    }

    /** @return true when a new remote was made */
    public static boolean seedIfMissing(String remote, Path seed, String adminBranch) {
        if (!isLocalPath(remote) || Files.exists(Path.of(remote))) {
            return false;
        }
        if (!Files.isDirectory(seed)) {
            throw new IllegalStateException("caravan.tracking.seed: " + seed + " is not a folder");
        }
        Path bare = Path.of(remote).toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(bare);
            Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch(adminBranch).call().close();
            tmp = Files.createTempDirectory("caravan-seed");
            try (Git work = Git.init().setDirectory(tmp.toFile()).setInitialBranch(adminBranch).call()) {
                copyTree(seed, tmp);
                work.add().addFilepattern(".").call();
                work.commit().setMessage("[caravan] demo jobs from " + seed.getFileName()).setSign(false)
                        .setAuthor(GitRepo.AUTHOR_NAME, GitRepo.AUTHOR_EMAIL)
                        .setCommitter(GitRepo.AUTHOR_NAME, GitRepo.AUTHOR_EMAIL).call();
                work.push().setRemote(bare.toUri().toString())
                        .setRefSpecs(new RefSpec("refs/heads/" + adminBranch + ":refs/heads/" + adminBranch)).call();
            }
            return true;
        } catch (IOException | GitAPIException e) {
            throw new IllegalStateException("cannot seed the demo remote " + bare + " from " + seed + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
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

    static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
