package dev.caravan.backend.wes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/** A multipart/form-data body of plain text fields (RFC 7578), as {@code POST /runs} of GA4GH WES wants it. */
final class Multipart {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Multipart() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        this.boundary = "caravan-" + HexFormat.of().formatHex(b);
    }

    /** One field; the value is sent as UTF-8 text without a part Content-Type (text/plain by default). */
    Multipart field(String name, String value) {
        if (value.contains("--" + boundary)) {
            throw new IllegalStateException("field " + name + " contains the multipart boundary");
        }
        write("--" + boundary + "\r\n");
        write("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        write(value);
        write("\r\n");
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    byte[] bytes() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return copy.toByteArray();
    }

    private void write(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
