package dev.caravan.batches.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.caravan.batches.Task;
import dev.caravan.batches.TaskList;
import dev.caravan.batches.export.SlurmResources;
import dev.caravan.batches.template.ValidationStamp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a batch is ({@code jobs/<group>/<batch>/batch.json}): the configuration it came from, its environment, tasks
 * and their on/off switches, order, parallelism, folders and resources, its run-id template and the last validation
 * of it, the resource it was made from, and when it was last started and ended (for the summary at its end).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchDefinition(String group, String batch, String config, String environment, List<TaskSpec> tasks,
                              Map<String, Boolean> directives, String orderBy, int parallel, String base,
                              String scratch, SlurmResources resources, String template, ValidationStamp validation,
                              ResourceInfo resource, String created, String startedAt, String endedAt,
                              boolean forceRebuild, String scriptsFor) {

    public static final String FILE = "batch.json";

    /** A task as stored: name, command, on by default. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TaskSpec(String name, String command, Boolean enabled) {

        Task task() {
            return new Task(name, command, enabled == null || enabled);
        }

        static TaskSpec of(Task t) {
            return new TaskSpec(t.name(), t.command(), t.enabledByDefault());
        }
    }

    /** The uploaded resource: its file in the batch folder, its kind, WEPPcloud's checksum and size, and how many items. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ResourceInfo(String file, String name, String checksum, long sizeBytes, int features) {
    }

    public BatchDefinition {
        directives = directives == null ? Map.of() : new LinkedHashMap<>(directives);
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }

    public TaskList taskList() {
        return TaskList.of(tasks.stream().map(TaskSpec::task).toList());
    }

    public BatchDefinition withTasks(List<TaskSpec> t, Map<String, Boolean> d) {
        return new BatchDefinition(group, batch, config, environment, t, d, orderBy, parallel, base, scratch, resources,
                template, validation, resource, created, startedAt, endedAt, forceRebuild, scriptsFor);
    }

    public BatchDefinition withTemplate(String t, ValidationStamp v) {
        return new BatchDefinition(group, batch, config, environment, tasks, directives, orderBy, parallel, base,
                scratch, resources, t, v, resource, created, startedAt, endedAt, forceRebuild, scriptsFor);
    }

    public BatchDefinition withResource(ResourceInfo r) {
        return new BatchDefinition(group, batch, config, environment, tasks, directives, orderBy, parallel, base,
                scratch, resources, template, validation, r, created, startedAt, endedAt, forceRebuild, scriptsFor);
    }

    /** Records which definition every item's script was last written for ({@link #scriptKey}), or null when unknown. */
    public BatchDefinition withScriptsFor(String key) {
        return new BatchDefinition(group, batch, config, environment, tasks, directives, orderBy, parallel, base,
                scratch, resources, template, validation, resource, created, startedAt, endedAt, forceRebuild, key);
    }

    /** What an item's script depends on besides the item: tasks, their switches, the folders, the resource. */
    public String scriptKey() {
        return Integer.toHexString(java.util.Objects.hash(tasks, new java.util.TreeMap<>(directives), base, scratch,
                resource == null ? null : resource.checksum()));
    }

    public BatchDefinition withRun(String started, String ended, boolean force) {
        return new BatchDefinition(group, batch, config, environment, tasks, directives, orderBy, parallel, base,
                scratch, resources, template, validation, resource, created, started, ended, force, scriptsFor);
    }
}
