package dev.caravan.batches;

import dev.caravan.model.JobRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A batch's tasks, in the order an item runs them. Names are safe names (they appear in files and in
 * {@code run_metadata.json}) and unique; commands are not blank. Errors name {@code tasks[i].name} or
 * {@code tasks[i].command}.
 */
public final class TaskList {

    private final List<Task> tasks;

    private TaskList(List<Task> tasks) {
        this.tasks = tasks;
    }

    public static TaskList of(List<Task> tasks) {
        if (tasks == null || tasks.isEmpty()) {
            throw BatchInputException.field("tasks", "a batch needs at least one task");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            String field = "tasks[" + i + "]";
            if (t == null) {
                throw BatchInputException.at("tasks", i, field + " is missing");
            }
            if (t.name() == null || !JobRef.isSafeName(t.name())) {
                throw BatchInputException.at(field + ".name", i, field + ".name '" + BatchNames.printable(
                        String.valueOf(t.name())) + "' is not a valid task name (letters, digits, '.', '_', '-';"
                        + " starts with a letter or digit; at most 128)");
            }
            if (!seen.add(t.name())) {
                throw BatchInputException.at(field + ".name", i, "task '" + t.name() + "' is listed twice");
            }
            if (t.command() == null || t.command().isBlank()) {
                throw BatchInputException.at(field + ".command", i, "task '" + t.name() + "' has no command");
            }
            if (t.command().indexOf('\0') >= 0) {
                throw BatchInputException.at(field + ".command", i, "task '" + t.name()
                        + "': the command contains a NUL character");
            }
        }
        return new TaskList(List.copyOf(tasks));
    }

    public List<Task> tasks() {
        return tasks;
    }

    public List<String> names() {
        return tasks.stream().map(Task::name).toList();
    }

    /** Every task's default on/off, in order. */
    public Map<String, Boolean> defaults() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        tasks.forEach(t -> out.put(t.name(), t.enabledByDefault()));
        return out;
    }

    /**
     * Applies {@code {task: bool}} directives over the current on/off settings: values true/false, 1/0,
     * yes/no, on/off (strings in any case, booleans or numbers). An unknown task name is ignored and a
     * warning says so; a bad value is an error naming {@code directives.<task>}.
     */
    public Directives apply(Map<String, Boolean> current, Map<String, ?> directives) {
        Map<String, Boolean> enabled = defaults();
        if (current != null) {
            current.forEach((name, on) -> enabled.computeIfPresent(name, (k, old) -> on));
        }
        List<String> warnings = new ArrayList<>();
        if (directives != null) {
            for (Map.Entry<String, ?> e : directives.entrySet()) {
                String name = e.getKey();
                if (!enabled.containsKey(name)) {
                    warnings.add("unknown task '" + BatchNames.printable(String.valueOf(name)) + "' ignored (tasks: "
                            + String.join(", ", names()) + ")");
                    continue;
                }
                enabled.put(name, Directives.parseBool(name, e.getValue()));
            }
        }
        return new Directives(enabled, warnings);
    }

    /** The tasks that run with these settings (a task missing from them keeps its default), in order. */
    public List<Task> enabled(Map<String, Boolean> settings) {
        return tasks.stream().filter(t -> settings == null ? t.enabledByDefault()
                : settings.getOrDefault(t.name(), t.enabledByDefault())).toList();
    }
}
