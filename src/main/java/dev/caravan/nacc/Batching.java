package dev.caravan.nacc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Cuts the pool into batches as the NACC gear's {@code get_batch} does: take projects from the pool, smallest
 * first, while the batch holds fewer than {@code batch_size} (files or projects). So the project that crosses
 * the size closes its batch (the last project may overshoot), and a project as large as the whole size or
 * larger, taken into an empty batch, is a batch of its own.
 */
public final class Batching {

    private Batching() {
    }

    /**
     * @param pool  in the order to take them (ascending acquisition-file count)
     * @param count what one element counts: its files, or 1 per project
     */
    public static <T> List<List<T>> cut(List<T> pool, ToLongFunction<T> count, long batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be more than 0, was " + batchSize);
        }
        List<List<T>> out = new ArrayList<>();
        int i = 0;
        while (i < pool.size()) {
            List<T> batch = new ArrayList<>();
            long total = 0;
            while (i < pool.size() && total < batchSize) {
                T e = pool.get(i++);
                batch.add(e);
                total += count.applyAsLong(e);
            }
            out.add(batch);
        }
        return out;
    }
}
