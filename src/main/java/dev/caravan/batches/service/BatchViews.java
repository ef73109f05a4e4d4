package dev.caravan.batches.service;

import dev.caravan.batches.Task;
import dev.caravan.model.Job;
import dev.caravan.model.Notification;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How batches and items are shown: plain maps the API writes as JSON and the CLI prints. An item's status and
 * colour are Mesmerize's: not run (white), running (yellow), succeeded (green), failed (red), aborted (orange),
 * moving outputs (blue).
 */
final class BatchViews {

    private BatchViews() {
    }

    static Map<String, Object> batch(BatchService.Loaded l, List<Job> jobs, Optional<Schedule> schedule,
                                     Function<Job, Optional<String>> runnerStatus) {
        BatchDefinition d = l.def();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", l.group());
        m.put("batch", l.batch());
        m.put("config", d.config());
        m.put("environment", d.environment());
        m.put("parallel", d.parallel());
        m.put("started", l.release().started());
        m.put("from_item", l.release().from() > 0 && l.release().from() < l.release().order().size()
                ? l.release().order().get(l.release().from()) : null);
        m.put("started_at", d.startedAt());
        m.put("ended_at", d.endedAt());
        m.put("schedule", schedule.orElse(null));
        m.putAll(tasks(d));
        m.put("template", d.template());
        Map<String, Object> v = null;
        if (d.validation() != null) {
            v = new LinkedHashMap<>();
            v.put("is_valid", d.validation().isValid());
            v.put("validation_hash", d.validation().validationHash());
            v.put("current", d.resource() != null && d.validation().holdsFor(d.resource().checksum()));
        }
        m.put("validation", v);
        m.put("resource", d.resource());
        m.put("resources", d.resources());
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        List<Map<String, Object>> items = new ArrayList<>(jobs.size());
        for (Job j : jobs) {
            counts.merge(j.state().name(), 1, Integer::sum);
            Map<String, Object> item = item(j, j.state().equals(State.QUEUED) ? runnerStatus.apply(j) : Optional.empty());
            statuses.merge((String) item.get("status"), 1, Integer::sum);
            items.add(item);
        }
        m.put("counts", counts);
        m.put("statuses", statuses);
        m.put("items", items);
        return m;
    }

    /**
     * A view made without the runner's status, with each running item's status from it ("moving" while its outputs
     * move in): the view itself when no status differs (the common case: running), else a changed copy.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withRunnerStatus(Map<String, Object> view, List<Job> jobs,
                                                Function<Job, Optional<String>> runnerStatus) {
        List<Map<String, Object>> before = (List<Map<String, Object>>) view.get("items");
        List<Map<String, Object>> items = null;
        Map<String, Integer> statuses = null;
        for (int i = 0; i < jobs.size(); i++) {
            Job j = jobs.get(i);
            if (!j.state().equals(State.QUEUED)) {
                continue;
            }
            String was = (String) before.get(i).get("status");
            String now = status(j.state(), runnerStatus.apply(j));
            if (was.equals(now)) {
                continue;
            }
            if (items == null) {
                items = new ArrayList<>(before);
                statuses = new TreeMap<>((Map<String, Integer>) view.get("statuses"));
            }
            statuses.merge(was, -1, Integer::sum);
            statuses.remove(was, 0);
            statuses.merge(now, 1, Integer::sum);
            items.set(i, item(j, Optional.of(now)));
        }
        if (items == null) {
            return view;
        }
        Map<String, Object> m = new LinkedHashMap<>(view);
        m.put("statuses", statuses);
        m.put("items", items);
        return m;
    }

    static Map<String, Object> tasks(BatchDefinition d) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> enabled = BatchService.enabledTasks(d).stream().map(Task::name).toList();
        for (BatchDefinition.TaskSpec t : d.tasks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("command", t.command());
            m.put("enabled", enabled.contains(t.name()));
            out.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", out);
        return m;
    }

    static Map<String, Object> item(Job j, Optional<String> runnerStatus) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job_id", j.ref().jobId());
        m.put("state", j.state().name());
        String status = status(j.state(), runnerStatus);
        m.put("status", status);
        m.put("colour", colour(status));
        m.put("runs", j.runs().size());
        m.put("run", j.newestRun().map(RunMarker::fileName).orElse(null));
        return m;
    }

    static String status(State s, Optional<String> runnerStatus) {
        if (s.equals(State.BACKLOG)) {
            return "not run";
        }
        if (s.equals(State.QUEUED)) {
            return runnerStatus.filter("moving"::equals).isPresent() ? "moving" : "running";
        }
        if (s.equals(State.COMPLETED)) {
            return "succeeded";
        }
        if (s.equals(State.FAILED)) {
            return "failed";
        }
        if (s.equals(State.ABORTED)) {
            return "aborted";
        }
        return s.name();
    }

    static String colour(String status) {
        return switch (status) {
            case "not run" -> "white";
            case "running" -> "yellow";
            case "succeeded" -> "green";
            case "failed" -> "red";
            case "aborted" -> "orange";
            case "moving" -> "blue";
            default -> "grey";
        };
    }

    /** WEPPcloud's finalizer line, for Slack: total, completed, failed, aborted and how long it took. */
    static Notification summary(BatchService.Loaded l, List<Job> jobs, Instant started, Instant ended) {
        long completed = jobs.stream().filter(j -> j.state().equals(State.COMPLETED)).count();
        long failed = jobs.stream().filter(j -> j.state().equals(State.FAILED)).count();
        long aborted = jobs.stream().filter(j -> j.state().equals(State.ABORTED)).count();
        Duration took = Duration.between(started, ended);
        String text = "batch " + l.key() + " ended: " + jobs.size() + " total, " + completed + " completed, " + failed
                + " failed, " + aborted + " aborted in " + format(took);
        return failed + aborted > 0 ? Notification.warning(text) : Notification.info(text);
    }

    private static String format(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
