package dev.caravan.batches.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * A gzip-compressed POSIX tar (ustar, with a pax header for names that do not fit ustar's fields), built
 * in memory. Tar keeps the scripts' executable mode and is read by every cluster's {@code tar}.
 */
final class TarGz {

    private static final int BLOCK = 512;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final OutputStream out;
    private final long mtime;

    TarGz(long mtimeEpochSeconds) {
        this.mtime = mtimeEpochSeconds;
        try {
            this.out = new GZIPOutputStream(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void directory(String path) {
        entry(path.endsWith("/") ? path : path + "/", '5', 0755, new byte[0]);
    }

    void file(String path, int mode, String content) {
        entry(path, '0', mode, content.getBytes(StandardCharsets.UTF_8));
    }

    byte[] finish() {
        try {
            out.write(new byte[BLOCK * 2]);
            out.close();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void entry(String path, char type, int mode, byte[] data) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        boolean ascii = name.length == path.length();
        String shortName = path;
        if (name.length > 100 || !ascii) {
            pax(path);
            shortName = "caravan-entry-" + Integer.toHexString(path.hashCode());
        }
        write(header(shortName, type, mode, data.length));
        write(data);
        pad(data.length);
    }

    /** A pax extended header carrying the full UTF-8 path of the entry that follows. */
    private void pax(String path) {
        String body = "path=" + path + "\n";
        int len = body.getBytes(StandardCharsets.UTF_8).length + 1;
        int total = len + String.valueOf(len).length();
        if (String.valueOf(total).length() != String.valueOf(len).length()) {
            total++;
        }
        byte[] record = (total + " " + body).getBytes(StandardCharsets.UTF_8);
        write(header("PaxHeaders/entry", 'x', 0644, record.length));
        write(record);
        pad(record.length);
    }

    private byte[] header(String name, char type, int mode, long size) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name.getBytes(StandardCharsets.US_ASCII));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = (byte) type;
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(h, 265, 32, "caravan".getBytes(StandardCharsets.US_ASCII));
        put(h, 297, 32, "caravan".getBytes(StandardCharsets.US_ASCII));
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        put(h, 148, 8, chk);
        return h;
    }

    private static void put(byte[] h, int at, int len, byte[] value) {
        System.arraycopy(value, 0, h, at, Math.min(len, value.length));
    }

    private static void octal(byte[] h, int at, int len, long value) {
        String s = String.format("%0" + (len - 1) + "o", value);
        put(h, at, len - 1, s.getBytes(StandardCharsets.US_ASCII));
    }

    private void pad(int length) {
        int rest = length % BLOCK;
        if (rest != 0) {
            write(new byte[BLOCK - rest]);
        }
    }

    private void write(byte[] data) {
        try {
            out.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
