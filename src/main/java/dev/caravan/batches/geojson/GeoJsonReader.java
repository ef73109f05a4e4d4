package dev.caravan.batches.geojson;

import dev.caravan.batches.UploadTooLargeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a GeoJSON upload with WEPPcloud's checks: at most maxBytes (the setting
 * {@code caravan.batches.max-upload}; past it {@link UploadTooLargeException}, found while reading),
 * valid JSON (else the line and column), an object of type FeatureCollection with a non-empty
 * {@code features} list whose items are objects. Errors name the field (the upload's name in the request).
 */
public final class GeoJsonReader {

    public static final long DEFAULT_MAX_UPLOAD = 10L * 1024 * 1024;

    private GeoJsonReader() {
    }

    /** Reads the upload's bytes, at most maxBytes, to keep them as the batch's resource file. */
    public static byte[] readUpload(InputStream in, long maxBytes, String field) {
        try (InputStream limited = new LimitedInputStream(in, maxBytes, field)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            limited.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(field + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks a stream, refusing it as soon as more than maxBytes have come. */
    public static GeoJsonResource read(InputStream in, long maxBytes, String field) {
        return parse(readUpload(in, maxBytes, field), field);
    }

    public static GeoJsonResource read(Path file, long maxBytes, String field) {
        try {
            if (Files.size(file) > maxBytes) {
                throw new UploadTooLargeException(field, maxBytes);
            }
            try (InputStream in = Files.newInputStream(file)) {
                return read(in, maxBytes, field);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(field + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Checks an upload and analyses it in one pass (see {@link GeoJsonScan}). */
    public static GeoJsonResource parse(byte[] bytes, String field) {
        return GeoJsonScan.scan(bytes, field);
    }
}
