package dev.caravan.batches.service;

import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.Directives;
import dev.caravan.batches.Task;
import dev.caravan.batches.TaskList;
import dev.caravan.batches.export.SlurmResources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the values of a request body (parsed JSON), each error naming its field and list index. */
final class Requests {

    private Requests() {
    }

    static TaskList tasks(Object raw) {
        if (!(raw instanceof List<?> list)) {
            throw BatchInputException.field("tasks", "tasks must be a list of {name, command, enabled?}");
        }
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw BatchInputException.at("tasks[" + i + "]", i, "tasks[" + i + "] must be an object {name, command, enabled?}");
            }
            Object name = m.get("name");
            Object command = m.get("command");
            if (name != null && !(name instanceof String) || command != null && !(command instanceof String)) {
                throw BatchInputException.at("tasks[" + i + "]", i, "tasks[" + i + "]: name and command must be strings");
            }
            boolean on = m.get("enabled") == null || Directives.parseBool((String) name, m.get("enabled"));
            tasks.add(new Task((String) name, (String) command, on));
        }
        return TaskList.of(tasks);
    }

    static int integer(Map<String, Object> body, String key, int min) {
        Object v = body.get(key);
        if (!(v instanceof Integer i) || i < min) {
            throw BatchInputException.field(key, key + " must be a whole number of at least " + min);
        }
        return i;
    }

    static boolean bool(Map<String, Object> body, String key) {
        Object v = body == null ? null : body.get(key);
        return v != null && Directives.parseBool(key, v);
    }

    static SlurmResources resources(Object raw) {
        if (!(raw instanceof Map<?, ?> m)) {
            throw BatchInputException.field("resources", "resources must be an object {partition, time, cpus, memory}");
        }
        Object cpus = m.get("cpus");
        if (cpus != null && !(cpus instanceof Integer)) {
            throw BatchInputException.field("resources.cpus", "resources.cpus must be a whole number");
        }
        return new SlurmResources(str(m, "partition"), str(m, "time"), (Integer) cpus, str(m, "memory"));
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v != null && !(v instanceof String)) {
            throw BatchInputException.field("resources." + key, "resources." + key + " must be a string");
        }
        return (String) v;
    }
}
