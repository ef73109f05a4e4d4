package dev.caravan.model;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One submission of a job: the empty file {@code run.<epoch>.<env>.<run_id>}. The run id may itself
 * contain dots (ICGC's {@code wes-<hex>.<uuid>}), the environment name may not.
 */
public record RunMarker(long epoch, String env, String runId) implements Comparable<RunMarker> {

    private static final Pattern FILE = Pattern.compile(
            "run\\.(\\d{1,12})\\.([A-Za-z0-9][A-Za-z0-9_-]*)\\.([A-Za-z0-9][A-Za-z0-9._:-]{0,199})");
    private static final Pattern ENV = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

    /** Newest last: by epoch, ties broken by name so the order is total and stable. */
    public static final Comparator<RunMarker> ORDER = Comparator.comparingLong(RunMarker::epoch)
            .thenComparing(RunMarker::env).thenComparing(RunMarker::runId);

    public RunMarker {
        if (epoch < 0) {
            throw new IllegalArgumentException("run marker epoch must not be negative: " + epoch);
        }
        if (env == null || !ENV.matcher(env).matches()) {
            throw new IllegalArgumentException("environment name '" + env + "' is not valid in a run marker");
        }
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id '" + runId + "' is not valid in a run marker");
        }
    }

    public static boolean isMarkerName(String fileName) {
        return fileName.startsWith("run.");
    }

    public static boolean isValidEnvName(String env) {
        return env != null && ENV.matcher(env).matches();
    }

    /** Empty when the name is not a well-formed marker; the caller decides how loudly to say so. */
    public static Optional<RunMarker> parse(String fileName) {
        Matcher m = FILE.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new RunMarker(Long.parseLong(m.group(1)), m.group(2), m.group(3)));
    }

    public String fileName() {
        return "run." + epoch + "." + env + "." + runId;
    }

    @Override
    public int compareTo(RunMarker o) {
        return ORDER.compare(this, o);
    }
}
