package dev.caravan.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real small tmpfs mounted on a folder, to fill its disk up (needs root to mount: the test is skipped otherwise);
 * {@link #close} unmounts it lazily.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path at;

    private Tmpfs(Path at) {
        this.at = at;
    }

    /** Mounts a tmpfs of {@code size} ({@code 256k}, {@code 1m}) on {@code folder} (created if missing), or skips the test. */
    public static Tmpfs mount(Path folder, String size) throws IOException, InterruptedException {
        Path at = Files.createDirectories(folder);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString()), "needs root to mount a tmpfs");
        return new Tmpfs(at);
    }

    public Path path() {
        return at;
    }

    /** Writes {@code file} until the disk is full (and checks that this is why the writing stopped). */
    public static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left on device");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", at.toString());
    }

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }
}
