package dev.caravan.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a one-shot command's time goes, for benchmarks: with {@code -Ddev.caravan.timings=true} each phase (Camel's
 * start, the clone check, the tree's read, the cycle, the commit, the push, the stop) is noted as it begins and ends, and
 * {@link #print} writes them to stderr before the process exits, as lines
 * {@code caravan-timing PHASE START_MS END_MS} (wall-clock epoch milliseconds, so that a caller can set them beside the
 * time it started the process). Process-wide (static) because a process's phases span the command line, Camel and the
 * engine, which share nothing else; the first occurrence of a phase is kept (a daemon's later cycles add nothing).
 * The {@code jvm} phase begins at the process's start as the OS gives it (Linux counts it from a boot time in whole
 * seconds, so it may be up to a second early): a caller that started the process uses its own start instead.
 * Off, each call is one property lookup. Not a {@code caravan.*} key: those are settings, and the settings reader
 * refuses keys it does not know.
 */
public final class PhaseTimes {

    public static final String PROPERTY = "dev.caravan.timings";

    private static final Map<String, long[]> PHASES = new ConcurrentHashMap<>();
    private static final List<String> ORDER = java.util.Collections.synchronizedList(new ArrayList<>());

    private PhaseTimes() {
    }

    /** Whether phases are noted ({@code -Ddev.caravan.timings=true}). */
    public static boolean on() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** The phase begins now (unless it began before). */
    public static void begin(String phase) {
        if (on()) {
            beginAt(phase, System.currentTimeMillis());
        }
    }

    /** The phase began at {@code epochMs} (unless it began before). */
    public static void beginAt(String phase, long epochMs) {
        if (on() && PHASES.putIfAbsent(phase, new long[] {epochMs, -1}) == null) {
            ORDER.add(phase);
        }
    }

    /** The phase ends now (only its first end counts). */
    public static void end(String phase) {
        if (on()) {
            long[] t = PHASES.get(phase);
            if (t != null && t[1] < 0) {
                t[1] = System.currentTimeMillis();
            }
        }
    }

    /** A phase whose bounds are known (the process's start to main, say), unless it was noted before. */
    public static void record(String phase, long startMs, long endMs) {
        beginAt(phase, startMs);
        long[] t = PHASES.get(phase);
        if (t != null && t[1] < 0) {
            t[1] = endMs;
        }
    }

    /** An instant: a phase that begins and ends now. */
    public static void mark(String phase) {
        begin(phase);
        end(phase);
    }

    /** What was noted, in the order the phases began: {phase, start, end} (end -1: not ended). */
    public static List<Object[]> noted() {
        List<Object[]> out = new ArrayList<>();
        synchronized (ORDER) {
            for (String p : ORDER) {
                long[] t = PHASES.get(p);
                out.add(new Object[] {p, t[0], t[1]});
            }
        }
        out.sort(java.util.Comparator.comparingLong(p -> (Long) p[1]));
        return out;
    }

    /** Writes what was noted, one line per phase; nothing when timings are off. */
    public static void print(PrintStream err) {
        if (!on()) {
            return;
        }
        for (Object[] p : noted()) {
            err.println("caravan-timing " + p[0] + " " + p[1] + " " + p[2]);
        }
        err.flush();
    }

    /** Forgets what was noted (tests). */
    public static void reset() {
        synchronized (ORDER) {
            PHASES.clear();
            ORDER.clear();
        }
    }
}
