package dev.caravan.batches.service;

import dev.caravan.batches.runner.ItemRun;
import dev.caravan.batches.runner.ItemScript;
import dev.caravan.batches.runner.RenderedTask;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of items outside the tree: each item's work folder ({@code <work-dir>/<group>/<batch>/<job_id>/}, with
 * its {@code run_metadata.json}) and its script ({@code <work-dir>/<group>/<batch>/.runner/<job_id>.sh}, the
 * environment's command runs it as {@code bash {params.runner}}), and the local backend's logs of its runs.
 */
final class ItemFiles {

    static final String RUNNER_DIR = ".runner";

    private final Path root;
    private final Path localWork;

    ItemFiles(Path root, Path localWork) {
        this.root = root;
        this.localWork = localWork;
    }

    Path workDir(JobRef ref) {
        return root.resolve(ref.group()).resolve(ref.batch()).resolve(ref.jobId());
    }

    Path script(JobRef ref) {
        return root.resolve(ref.group()).resolve(ref.batch()).resolve(RUNNER_DIR).resolve(ref.jobId() + ".sh");
    }

    /**
     * What the item's runner does: its enabled tasks in order, its feature (when it has one) as {@code feature.geojson},
     * or its row as {@code row.json}.
     */
    ItemRun itemRun(BatchDefinition def, String jobId, Optional<Map<String, Object>> feature, boolean force) {
        JobRef ref = new JobRef(def.group(), def.batch(), jobId);
        List<RenderedTask> tasks = BatchService.enabledTasks(def).stream()
                .map(t -> new RenderedTask(t.name(), t.command())).toList();
        ItemRun run = ItemRun.of(jobId, workDir(ref), tasks).withForceRebuild(force);
        if (def.base() != null) {
            run = run.withBase(Path.of(def.base()));
        }
        if (def.scratch() != null) {
            run = run.withScratch(Path.of(def.scratch()).resolve(def.group()).resolve(def.batch()).resolve(jobId));
        }
        if (feature.isPresent()) {
            run = run.withFiles(Map.of(ItemSource.payloadFile(def.resource() == null ? null : def.resource().file()),
                    Json.write(feature.get())));
        }
        return run;
    }

    /**
     * Writes each item's script (job id → its feature): a script that exists is replaced whole or not at all; a new
     * one is written in place (a crash may leave it half written, for an item not yet in the tree, and the next write
     * replaces it).
     */
    void writeScripts(BatchDefinition def, Map<String, Optional<Map<String, Object>>> items, boolean force) {
        items.forEach((id, feature) -> {
            JobRef ref = new JobRef(def.group(), def.batch(), id);
            Path p = script(ref);
            try {
                Files.createDirectories(p.getParent());
                String script = ItemScript.render(itemRun(def, id, feature, force));
                try {
                    // a new item's script: nothing runs it yet, so no temporary file and rename (10,000 of them cost
                    // seconds on a busy disk)
                    Files.writeString(p, script, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                    return;
                } catch (java.nio.file.FileAlreadyExistsException exists) {
                    // replaced whole below: the item may be running it
                }
                Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
                Files.writeString(tmp, script, StandardCharsets.UTF_8);
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the script of " + ref + " at " + p, e);
            }
        });
    }

    Optional<Map<String, Object>> metadata(JobRef ref) {
        Path p = workDir(ref).resolve(ItemScript.METADATA);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = Json.MAPPER.readValue(p.toFile(), Map.class);
            return Optional.of(m);
        } catch (IOException e) {
            return Optional.empty(); // being rewritten: the next look sees it whole
        }
    }

    /** The runner's own status of a running item ("moving" while its outputs move in), when it says one. */
    Optional<String> metadataStatus(Job j) {
        return metadata(j.ref()).map(m -> m.get("status")).map(String::valueOf);
    }

    Optional<String> log(Job j, String stream, int tail) {
        Optional<RunMarker> run = j.newestRun();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        Path p = localWork.resolve(j.ref().group()).resolve(j.ref().batch()).resolve(j.ref().jobId())
                .resolve(run.get().runId() + "." + stream);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            return Optional.of(String.join("\n", lines.subList(Math.max(0, lines.size() - tail), lines.size()))
                    + (lines.isEmpty() ? "" : "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /** Removes the item's work folder and script; what cannot be removed is a warning. */
    List<String> deleteItem(JobRef ref) {
        List<String> warnings = new ArrayList<>();
        wipe(workDir(ref), warnings);
        wipe(script(ref), warnings);
        return warnings;
    }

    List<String> deleteBatch(String group, String batch) {
        List<String> warnings = new ArrayList<>();
        wipe(root.resolve(group).resolve(batch), warnings);
        return warnings;
    }

    /** Renamed aside first (so a half-deleted folder never looks like a work folder), then deleted. */
    private static void wipe(Path p, List<String> warnings) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path aside = p.resolveSibling("." + p.getFileName() + ".deleting-" + System.nanoTime());
        try {
            Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warnings.add("cannot move " + p + " aside to delete it: " + e.getMessage());
            return;
        }
        try (Stream<Path> s = Files.walk(aside)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> {
                try {
                    Files.delete(x);
                } catch (IOException e) {
                    warnings.add("cannot delete " + x + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            warnings.add("cannot delete " + aside + ": " + e.getMessage());
        }
    }
}
