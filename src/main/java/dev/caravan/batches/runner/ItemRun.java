package dev.caravan.batches.runner;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one item's runner does: in {@code workDir}, run {@code tasks} (the enabled ones, in order) with
 * the skip rule; optionally copy {@code baseDir} in first (fresh or force-rebuilt folders only), run in
 * {@code scratchDir} and move the outputs in after success, wipe the folder first
 * ({@code forceRebuild}), write {@code files} (name → text, e.g. {@code feature.geojson}) before the
 * first task, and export {@code environment} to the tasks. Paths are absolute. Null means absent.
 */
public record ItemRun(String jobId, Path workDir, List<RenderedTask> tasks, Path baseDir, Path scratchDir,
        boolean forceRebuild, Map<String, String> files, Map<String, String> environment) {

    public ItemRun {
        tasks = List.copyOf(tasks);
        files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
        environment = environment == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** An item that runs its tasks in its work folder, nothing else. */
    public static ItemRun of(String jobId, Path workDir, List<RenderedTask> tasks) {
        return new ItemRun(jobId, workDir, tasks, null, null, false, Map.of(), Map.of());
    }

    public ItemRun withBase(Path base) {
        return new ItemRun(jobId, workDir, tasks, base, scratchDir, forceRebuild, files, environment);
    }

    public ItemRun withScratch(Path scratch) {
        return new ItemRun(jobId, workDir, tasks, baseDir, scratch, forceRebuild, files, environment);
    }

    public ItemRun withForceRebuild(boolean force) {
        return new ItemRun(jobId, workDir, tasks, baseDir, scratchDir, force, files, environment);
    }

    public ItemRun withFiles(Map<String, String> newFiles) {
        return new ItemRun(jobId, workDir, tasks, baseDir, scratchDir, forceRebuild, newFiles, environment);
    }

    public ItemRun withEnvironment(Map<String, String> env) {
        return new ItemRun(jobId, workDir, tasks, baseDir, scratchDir, forceRebuild, files, env);
    }
}
