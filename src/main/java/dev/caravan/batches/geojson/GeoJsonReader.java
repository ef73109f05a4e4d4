package dev.caravan.batches.geojson;

import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.UploadTooLargeException;
import dev.caravan.batches.python.PyJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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

    /** Parses and checks a stream, refusing it as soon as more than maxBytes have come. */
    public static GeoJsonResource read(InputStream in, long maxBytes, String field) {
        return of(JsonTree.parse(new LimitedInputStream(in, maxBytes, field), field), field);
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

    public static GeoJsonResource parse(byte[] bytes, String field) {
        return of(JsonTree.parse(new ByteArrayInputStream(bytes), field), field);
    }

    @SuppressWarnings("unchecked")
    private static GeoJsonResource of(Object root, String field) {
        if (!(root instanceof Map<?, ?> map) || !"FeatureCollection".equals(map.get("type"))) {
            throw BatchInputException.field(field, "GeoJSON resource must be a FeatureCollection");
        }
        Object features = map.get("features");
        if (!(features instanceof List<?> list) || list.isEmpty()) {
            throw BatchInputException.field(field, "GeoJSON resource contains no features");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map)) {
                throw BatchInputException.at(field, i, "GeoJSON resource: features[" + i + "] is not an object");
            }
        }
        Map<String, Object> data = (Map<String, Object>) map;
        DigestSink sink = new DigestSink();
        PyJson.dump(data, true, sink);
        return new GeoJsonResource(data, (List<Map<String, Object>>) features, sink.hex(), sink.size);
    }

    /** Feeds the ASCII text of json.dumps straight into SHA-256, counting it, without building the text. */
    private static final class DigestSink implements PyJson.AsciiSink {
        private final MessageDigest sha = sha256();
        private final byte[] buffer = new byte[1 << 16];
        private int fill;
        long size;

        @Override
        public void write(char c) {
            if (fill == buffer.length) {
                flush();
            }
            buffer[fill++] = (byte) c;
            size++;
        }

        @Override
        public void write(String ascii) {
            int n = ascii.length();
            if (n > buffer.length - fill) {
                flush();
                if (n > buffer.length) {
                    sha.update(ascii.getBytes(StandardCharsets.US_ASCII));
                    size += n;
                    return;
                }
            }
            for (int i = 0; i < n; i++) {
                buffer[fill + i] = (byte) ascii.charAt(i);
            }
            fill += n;
            size += n;
        }

        private void flush() {
            sha.update(buffer, 0, fill);
            fill = 0;
        }

        String hex() {
            flush();
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
