package dev.caravan.backend.awsbatch;

import dev.caravan.model.JobRef;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * AWS Batch job names: letters, digits, {@code -} and {@code _}; the first an alphanumeric; at most 128. A Caravan
 * job is named after its path ({@code <group>_<batch>_<job_id>}), so that it can be found again by name alone
 * (ListJobs with a JOB_NAME filter) after a lost answer or a crash.
 */
public final class JobNames {

    public static final int MAX = 128;

    private JobNames() {
    }

    public static String of(JobRef ref) {
        return legal(ref.group() + "_" + ref.batch() + "_" + ref.jobId());
    }

    /** Any text made into a legal job name; long names keep their start and end in a hash, so they stay unique. */
    public static String legal(String raw) {
        StringBuilder sb = new StringBuilder(raw.length() + 2);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            sb.append(ok ? c : '_');
        }
        if (sb.length() == 0 || !Character.isLetterOrDigit(sb.charAt(0))) {
            sb.insert(0, 'j');
        }
        if (sb.length() < 2) {
            sb.append('_');
        }
        if (sb.length() > MAX) {
            String hash = hash(raw, 12);
            sb.setLength(MAX - hash.length() - 1);
            sb.append('-').append(hash);
        }
        return sb.toString();
    }

    public static boolean isLegal(String name) {
        return name != null && name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    }

    static String hash(String s, int hexChars) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
