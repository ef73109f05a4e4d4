package dev.caravan.report;

import dev.caravan.tracking.StateHistory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Completions and failures per environment and time bucket over a window that ends now: the dashboard's chart.
 * Buckets are aligned on the epoch, so two reads a moment apart put a commit in the same bucket; the last one is
 * the bucket now is in. Counted by {@link StateHistory}'s rule (one count per run).
 *
 * @param starts       the start of each bucket, oldest first
 * @param environments every configured environment (zeros when idle), then any other one the history names
 */
public record Throughput(Instant from, Instant to, Duration bucket, List<Instant> starts,
                         Map<String, Series> environments, int commits, boolean truncated, String head) {

    /** The most buckets one chart has. */
    public static final int MAX_BUCKETS = 1000;

    /** One environment's counts, one per bucket. */
    public record Series(List<Integer> completed, List<Integer> failed) {

        public int totalCompleted() {
            return completed.stream().mapToInt(Integer::intValue).sum();
        }

        public int totalFailed() {
            return failed.stream().mapToInt(Integer::intValue).sum();
        }
    }

    public static Throughput of(StateHistory history, Instant now, Duration window, Duration bucket,
                                Collection<String> environments) {
        long b = bucket.getSeconds();
        if (b < 1 || window.compareTo(bucket) < 0) {
            throw new IllegalArgumentException("the bucket must be at least a second and at most the window");
        }
        long n = (window.getSeconds() + b - 1) / b;
        if (n > MAX_BUCKETS) {
            throw new IllegalArgumentException("at most " + MAX_BUCKETS + " buckets: a window of " + window
                    + " needs buckets of at least " + Duration.ofSeconds((window.getSeconds() + MAX_BUCKETS - 1) / MAX_BUCKETS));
        }
        long end = Math.floorDiv(now.getEpochSecond(), b) * b + b;
        long start = end - n * b;
        StateHistory.Window w = history.read(Instant.ofEpochSecond(start), now);
        Map<String, int[][]> counts = new LinkedHashMap<>();
        for (String env : environments) {
            counts.put(env, new int[2][(int) n]);
        }
        TreeSet<String> others = new TreeSet<>();
        for (StateHistory.Arrival a : w.arrivals()) {
            if (!counts.containsKey(a.env())) {
                others.add(a.env());
            }
        }
        for (String env : others) {
            counts.put(env, new int[2][(int) n]);
        }
        for (StateHistory.Arrival a : w.arrivals()) {
            int i = (int) ((a.at().getEpochSecond() - start) / b);
            if (i >= 0 && i < n) {
                counts.get(a.env())[a.state().equals("failed") ? 1 : 0][i]++;
            }
        }
        List<Instant> starts = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            starts.add(Instant.ofEpochSecond(start + i * b));
        }
        Map<String, Series> out = new LinkedHashMap<>();
        counts.forEach((env, c) -> out.put(env, new Series(list(c[0]), list(c[1]))));
        return new Throughput(Instant.ofEpochSecond(start), Instant.ofEpochSecond(end), Duration.ofSeconds(b),
                List.copyOf(starts), out, w.commits(), w.truncated(), w.head().orElse(null));
    }

    private static List<Integer> list(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) {
            l.add(v);
        }
        return List.copyOf(l);
    }
}
