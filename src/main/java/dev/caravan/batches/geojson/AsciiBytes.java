package dev.caravan.batches.geojson;

import dev.caravan.batches.python.PyJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The ASCII text {@link PyJson} writes, kept as bytes: a growing buffer (a document's canonical features, written
 * before the members that sort ahead of them are known), or fed straight into SHA-256 and counted.
 */
class AsciiBytes implements PyJson.AsciiSink {

    byte[] buffer;
    int fill;

    AsciiBytes(int capacity) {
        buffer = new byte[capacity];
    }

    @Override
    public void write(char c) {
        room(1);
        buffer[fill++] = (byte) c;
    }

    @Override
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) copies ASCII text without encoding it
    public void write(String ascii) {
        int n = ascii.length();
        room(n);
        ascii.getBytes(0, n, buffer, fill);
        fill += n;
    }

    void write(byte[] bytes, int from, int to) {
        room(to - from);
        System.arraycopy(bytes, from, buffer, fill, to - from);
        fill += to - from;
    }

    /** Makes room for n more bytes. */
    void room(int n) {
        if (n > buffer.length - fill) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, fill + n));
        }
    }

    /** Hashes what it is given in 64 KB steps instead of keeping it; {@link #size} counts it all. */
    static final class Digest extends AsciiBytes {
        private final MessageDigest sha = sha256();
        long size;

        Digest() {
            super(1 << 16);
        }

        @Override
        void room(int n) {
            if (n > buffer.length - fill) {
                flush();
                if (n > buffer.length) {
                    buffer = new byte[n];
                }
            }
        }

        @Override
        void write(byte[] bytes, int from, int to) {
            flush();
            sha.update(bytes, from, to - from);
            size += to - from;
        }

        private void flush() {
            sha.update(buffer, 0, fill);
            size += fill;
            fill = 0;
        }

        String hex() {
            flush();
            return HexFormat.of().formatHex(sha.digest());
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
