package dev.caravan.model;

import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Pattern;

/** Where a job lives in the tracking tree, independent of its state folder. */
public record JobRef(String group, String batch, String jobId) implements Comparable<JobRef> {

    /** Names become folder names: no separators, no dot-only names, nothing a shell or Git would mangle. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Comparator<JobRef> ORDER = Comparator.comparing(JobRef::group)
            .thenComparing(JobRef::batch).thenComparing(JobRef::jobId);

    public JobRef {
        requireSafe("group", group);
        requireSafe("batch", batch);
        requireSafe("job id", jobId);
    }

    public static boolean isSafeName(String name) {
        return name != null && SAFE_NAME.matcher(name).matches() && !name.contains("..");
    }

    static void requireSafe(String what, String name) {
        if (!isSafeName(name)) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a safe name"
                    + " (letters, digits, '.', '_', '-'; starts with a letter or digit; at most 128)");
        }
    }

    /** {@code group/batch/jobId}: how jobs are named in logs and reports. */
    public String path() {
        return group + "/" + batch + "/" + jobId;
    }

    @Override
    public int compareTo(JobRef o) {
        return ORDER.compare(this, Objects.requireNonNull(o));
    }

    @Override
    public String toString() {
        return path();
    }
}
