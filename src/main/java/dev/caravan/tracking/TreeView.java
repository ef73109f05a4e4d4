package dev.caravan.tracking;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.model.TreeFile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The tracking tree as readers see it: the index, a job's parameters and the files capabilities keep beside their
 * jobs. Nothing here writes; writes go through the engine's intake API.
 */
public interface TreeView {

    JobIndex index();

    /** A job's params.json; a {@link dev.caravan.model.BadInputException} names the file when it is missing or bad. */
    Map<String, Object> readParams(Job job);

    /** The file's text; empty when there is no such file (a folder in its place is a bad-input error). */
    Optional<String> read(TreeFile file);

    /** Where a file is, for messages that point an operator at it. */
    Path pathOf(TreeFile file);

    /** Where a job folder of {@code ref} in {@code state} is, for messages. */
    Path pathOf(JobRef ref, State state);

    /** The groups: the folders under {@code jobs/}, sorted. */
    List<String> groups();

    /** The batches of a group that hold a file of this name, sorted. */
    List<String> batchesWithFile(String group, String name);

    /** Whether the group has a batch folder of this name. */
    boolean hasBatchFolder(String group, String batch);

    /** Names of the job folders of a batch on disk, in any state folder (the index may hold back some). */
    Set<String> jobFoldersOnDisk(String group, String batch);

    /**
     * The first of {@code jobs/<group>}, {@code jobs/<group>/<batch>}, {@code jobs/<group>/<batch>/<state>} that exists
     * and is not a folder; the parts not given are not looked at.
     */
    Optional<Path> notAFolder(String group, Optional<String> batch, Optional<State> state);

    /**
     * Every readable {@code params.json} of a group's job folders on disk (all batches, all states), in name order,
     * with where it is ({@code <batch>/<state>/<job>}); an unreadable one is a bad-input error.
     */
    void forEachParams(String group, BiConsumer<String, Map<String, Object>> each);
}
