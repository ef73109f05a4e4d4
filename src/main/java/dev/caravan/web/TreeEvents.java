package dev.caravan.web;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a commit changed, as events for people: a job's new state (or that it is gone), a batch's own files (its
 * definition, release rule, resource, schedule), a gate of an environment set or lifted. Read from the committed
 * paths and the clone as it is now.
 */
final class TreeEvents {

    private TreeEvents() {
    }

    static List<Map<String, Object>> of(Path clone, Set<String> paths) {
        Set<String> jobs = new LinkedHashSet<>();
        Set<String> batches = new LinkedHashSet<>();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String p : paths) {
            String[] s = p.split("/");
            if (s.length < 2 || !s[0].equals("jobs")) {
                continue;
            }
            if (s.length == 2) {
                gate(clone, s[1]).ifPresent(out::add);
            } else if (s.length == 4) {
                if (batches.add(s[1] + "/" + s[2] + "/" + s[3])) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", "batch");
                    m.put("group", s[1]);
                    m.put("batch", s[2]);
                    m.put("file", s[3]);
                    m.put("deleted", !Files.exists(clone.resolve(p), LinkOption.NOFOLLOW_LINKS));
                    out.add(m);
                }
            } else if (s.length >= 5) {
                String job = s[1] + "/" + s[2] + "/" + s[s.length >= 6 ? 4 : 3];
                if (s.length >= 6 && jobs.add(job)) {
                    out.add(job(clone, s[1], s[2], s[4]));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> job(Path clone, String group, String batch, String jobId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "job");
        m.put("group", group);
        m.put("batch", batch);
        m.put("job_id", jobId);
        String state = null;
        Path b = clone.resolve("jobs").resolve(group).resolve(batch);
        String[] states = b.toFile().list();
        if (states != null) {
            for (String st : states) {
                if (Files.isDirectory(b.resolve(st).resolve(jobId), LinkOption.NOFOLLOW_LINKS)) {
                    state = st;
                    break;
                }
            }
        }
        m.put("state", state);
        m.put("deleted", state == null);
        return m;
    }

    private static java.util.Optional<Map<String, Object>> gate(Path clone, String name) {
        String env;
        String gate;
        if (name.startsWith("pause.")) {
            gate = "pause";
            env = name.substring("pause.".length());
        } else if (name.startsWith("excessive_failure.") && name.endsWith(".txt")) {
            gate = "excessive_failure";
            env = name.substring("excessive_failure.".length(), name.length() - 4);
        } else {
            return java.util.Optional.empty();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "gate");
        m.put("gate", gate);
        m.put("environment", env);
        m.put("on", Files.exists(clone.resolve("jobs").resolve(name), LinkOption.NOFOLLOW_LINKS));
        return java.util.Optional.of(m);
    }
}
