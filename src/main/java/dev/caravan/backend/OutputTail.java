package dev.caravan.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/** The end of a run's output file, for failure reasons: backends that run commands (local, slurm) share it. */
public final class OutputTail {

    /** Enough of a big file to find its last lines without reading gigabytes. */
    private static final int TAIL_BYTES = 64 * 1024;

    private OutputTail() {
    }

    /**
     * The last {@code lines} non-empty lines of {@code file}, joined with " | ", at most {@code maxChars} (the end is
     * kept); empty when the file is missing or unreadable.
     */
    public static String of(Path file, int lines, int maxChars) {
        Deque<String> last = new ArrayDeque<>();
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ)) {
            long start = Math.max(0, ch.size() - TAIL_BYTES);
            ch.position(start);
            ByteBuffer buf = ByteBuffer.allocate((int) (ch.size() - start));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading until the tail is in
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            String[] all = text.split("\r?\n");
            // a tail that starts mid-line would show a fragment as if it were a line
            int first = start > 0 ? 1 : 0;
            for (int i = all.length - 1; i >= first && last.size() < lines; i--) {
                if (!all[i].isBlank()) {
                    last.addFirst(all[i].strip());
                }
            }
        } catch (IOException e) {
            return "";
        }
        String joined = String.join(" | ", last);
        return joined.length() <= maxChars ? joined : "..." + joined.substring(joined.length() - maxChars);
    }
}
