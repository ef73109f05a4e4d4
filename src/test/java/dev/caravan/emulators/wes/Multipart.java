package dev.caravan.emulators.wes;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a multipart/form-data body (RFC 7578) into its named text fields; file parts are kept by name too. */
public final class Multipart {

    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern NAME = Pattern.compile("(?i)name=\"([^\"]*)\"");

    private Multipart() {
    }

    /** @throws IllegalArgumentException when the body is not well-formed multipart */
    public static Map<String, String> parse(String contentType, byte[] body) {
        Matcher b = BOUNDARY.matcher(contentType);
        if (!b.find()) {
            throw new IllegalArgumentException("no boundary in Content-Type");
        }
        String boundary = "--" + (b.group(2) != null ? b.group(2) : b.group(3));
        // ISO-8859-1 keeps one char per byte, so offsets are byte offsets
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int pos = text.indexOf(boundary);
        if (pos < 0) {
            throw new IllegalArgumentException("the boundary never occurs");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        while (true) {
            pos += boundary.length();
            if (text.startsWith("--", pos)) {
                return fields; // closing delimiter
            }
            if (!text.startsWith("\r\n", pos)) {
                throw new IllegalArgumentException("a delimiter is not followed by CRLF");
            }
            pos += 2;
            int headersEnd = text.indexOf("\r\n\r\n", pos);
            if (headersEnd < 0) {
                throw new IllegalArgumentException("a part has no end of headers");
            }
            String headers = text.substring(pos, headersEnd);
            int next = text.indexOf("\r\n" + boundary, headersEnd + 4);
            if (next < 0) {
                throw new IllegalArgumentException("a part is not closed by the boundary");
            }
            String name = null;
            for (String h : headers.split("\r\n")) {
                if (h.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                    Matcher n = NAME.matcher(h);
                    if (n.find()) {
                        name = n.group(1);
                    }
                }
            }
            if (name == null) {
                throw new IllegalArgumentException("a part has no Content-Disposition name");
            }
            byte[] value = text.substring(headersEnd + 4, next).getBytes(StandardCharsets.ISO_8859_1);
            fields.put(name, new String(value, StandardCharsets.UTF_8));
            pos = next + 2;
        }
    }
}
