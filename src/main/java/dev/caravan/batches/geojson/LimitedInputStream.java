package dev.caravan.batches.geojson;

import dev.caravan.batches.UploadTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code limit} bytes through and fails with {@link UploadTooLargeException} on the first
 * byte past it, so an oversized upload is refused after reading limit + 1 bytes, never all of it.
 */
final class LimitedInputStream extends FilterInputStream {

    private final long limit;
    private final String field;
    private long count;

    LimitedInputStream(InputStream in, long limit, String field) {
        super(in);
        this.limit = limit;
        this.field = field;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            tally(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        long room = limit + 1 - count;
        int n = in.read(buf, off, (int) Math.min(len, Math.max(room, 1)));
        if (n > 0) {
            tally(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(Math.min(n, limit + 1 - count));
        tally(skipped);
        return skipped;
    }

    private void tally(long n) {
        count += n;
        if (count > limit) {
            throw new UploadTooLargeException(field, limit);
        }
    }
}
