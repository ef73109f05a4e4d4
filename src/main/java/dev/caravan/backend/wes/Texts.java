package dev.caravan.backend.wes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.secrets.Redactor;

/**
 * Server text made fit for a message: any JSON shape (string, null, object, array, number) becomes one short line with
 * control characters removed and known secrets masked. Never throws: the ICGC scheduler crashed on an odd error text.
 */
final class Texts {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int DETAIL_CHARS = 400;

    private Texts() {
    }

    /** One line of at most {@code max} characters, secrets masked; empty for null. */
    static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        try {
            // mask first: a secret cut in half by the length limit would leave its prefix readable
            text = Redactor.redact(text.length() > 65536 ? text.substring(0, 65536) : text);
            StringBuilder sb = new StringBuilder(Math.min(text.length(), max + 16));
            boolean space = false;
            for (int i = 0; i < text.length() && sb.length() <= max * 2; i++) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                    space = sb.length() > 0;
                    continue;
                }
                boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (Character.isSurrogate(c) && !pair) {
                    continue; // a lone surrogate half
                }
                if (space) {
                    sb.append(' ');
                    space = false;
                }
                sb.append(c);
                if (pair) {
                    sb.append(text.charAt(++i));
                }
            }
            String out = sb.toString();
            if (out.length() > max) {
                int end = max;
                if (end > 0 && Character.isHighSurrogate(out.charAt(end - 1))) {
                    end--;
                }
                out = out.substring(0, end) + "…";
            }
            return out;
        } catch (RuntimeException e) {
            return "(unreadable text)";
        }
    }

    /** Any JSON value as a line of text: a string as is, containers as compact JSON, null/missing as empty. */
    static String describe(JsonNode node, int max) {
        try {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return "";
            }
            if (node.isTextual()) {
                return clean(node.textValue(), max);
            }
            if (node.isValueNode()) {
                return clean(node.asText(), max);
            }
            return clean(JSON.writeValueAsString(node), max);
        } catch (Exception e) {
            return "(unreadable text)";
        }
    }

    /** {@code ": <msg>"} from an error answer (WES ErrorResponse {@code msg}, or the raw text), or empty. */
    static String errorSuffix(String body) {
        String text = errorText(body);
        return text.isEmpty() ? "" : ": " + text;
    }

    static String errorText(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.isObject()) {
                for (String field : new String[]{"msg", "message", "error_description", "error"}) {
                    String t = describe(n.get(field), 200);
                    if (!t.isEmpty()) {
                        return t;
                    }
                }
            }
        } catch (Exception e) {
            // not JSON: the text itself
        }
        return clean(body, 200);
    }

    /** A field's text, or empty when it is absent, null or not a plain value. */
    static String text(JsonNode node, String field) {
        if (node == null) {
            return "";
        }
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : "";
    }
}
