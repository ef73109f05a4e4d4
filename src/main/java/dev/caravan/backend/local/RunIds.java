package dev.caravan.backend.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Run ids are derived from the submission token, so the id of a submission whose response was lost can be
 * computed again and looked up on disk.
 */
final class RunIds {

    static final String PREFIX = "local-";
    private static final int NONCE_HEX = 12;
    private static final Pattern RUN_ID = Pattern.compile(PREFIX + "[0-9a-f]{" + NONCE_HEX + "}");

    private RunIds() {
    }

    static String forToken(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest).substring(0, NONCE_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Run ids become file names: anything else is not ours and is never turned into a path. */
    static boolean isLocalRunId(String runId) {
        return runId != null && RUN_ID.matcher(runId).matches();
    }
}
