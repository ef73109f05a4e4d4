package dev.caravan.tracking;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code jobs/<group>/<batch>/<state>/<job_id>/} into a {@link JobIndex}. Uses plain
 * {@link File#list()} because a 100,000-job tree is mostly directory listings, and that is the
 * cheapest way the JDK has to make them.
 */
public final class TreeScanner {

    public static final String PARAMS = "params.json";

    private final ParamsReader params = new ParamsReader();

    public ScanResult scan(File jobsDir) {
        JobIndex index = new JobIndex();
        List<String> warnings = new ArrayList<>();
        Map<JobRef, File> firstSeen = new HashMap<>();
        for (File groupDir : dirs(jobsDir, warnings)) {
            if (!nameOk(groupDir, "group", warnings)) {
                continue;
            }
            for (File batchDir : dirs(groupDir, warnings)) {
                if (!nameOk(batchDir, "batch", warnings)) {
                    continue;
                }
                for (File stateDir : dirs(batchDir, warnings)) {
                    if (!nameOk(stateDir, "state", warnings)) {
                        continue;
                    }
                    State state = State.of(stateDir.getName());
                    index.noteState(groupDir.getName(), state);
                    for (File jobDir : dirs(stateDir, warnings)) {
                        if (!nameOk(jobDir, "job", warnings)) {
                            continue;
                        }
                        JobRef ref = new JobRef(groupDir.getName(), batchDir.getName(), jobDir.getName());
                        readJob(index, warnings, firstSeen, ref, state, jobDir);
                    }
                }
            }
        }
        return new ScanResult(index, warnings);
    }

    private void readJob(JobIndex index, List<String> warnings, Map<JobRef, File> firstSeen, JobRef ref,
                         State state, File jobDir) {
        File earlier = firstSeen.putIfAbsent(ref, jobDir);
        if (earlier != null) {
            String why = "job " + ref + " is in two state folders (" + earlier.getParentFile().getName() + ", "
                    + state + ")";
            warnings.add(why + "; both are left where they are: " + jobDir);
            index.hold(ref, why);
            index.countDuplicate(ref, state);
            return;
        }
        String[] names = jobDir.list();
        List<RunMarker> runs = new ArrayList<>();
        List<String> after = new ArrayList<>();
        boolean hasParams = false;
        for (String name : names == null ? new String[0] : names) {
            if (name.equals(PARAMS)) {
                hasParams = true;
            } else if (name.startsWith(Job.AFTER_PREFIX)) {
                String dep = name.substring(Job.AFTER_PREFIX.length());
                if (JobRef.isSafeName(dep)) {
                    after.add(dep);
                } else {
                    String why = "malformed dependency " + new File(jobDir, name) + " (expected after.<job_id>)";
                    warnings.add(why + "; job left where it is");
                    index.hold(ref, why);
                }
            } else if (RunMarker.isMarkerName(name)) {
                Optional<RunMarker> m = RunMarker.parse(name);
                if (m.isPresent()) {
                    runs.add(m.get());
                } else {
                    String why = "malformed run marker " + new File(jobDir, name)
                            + " (expected run.<epoch>.<env>.<run_id>)";
                    warnings.add(why + "; job left where it is");
                    index.hold(ref, why);
                }
            }
        }
        java.util.Collections.sort(after);
        index.put(new Job(ref, state, runs, after));
        if (state.equals(State.BACKLOG)) {
            // Only backlog jobs will be read again soon (at release); checking them now turns a bad file
            // into a warning at start instead of a surprise in the middle of a cycle.
            File p = new File(jobDir, PARAMS);
            if (hasParams && Files.isSymbolicLink(p.toPath())) {
                String why = "symbolic link " + p + " (to " + linkTarget(p) + ") is not followed";
                warnings.add(why + "; job left where it is");
                index.hold(ref, why);
            } else if (!hasParams) {
                warnings.add("missing " + p + "; job left where it is");
                index.hold(ref, "missing " + PARAMS);
            } else {
                try {
                    params.read(p.toPath());
                } catch (RuntimeException e) {
                    warnings.add(e.getMessage() + "; job left where it is");
                    index.hold(ref, e.getMessage());
                }
            }
        }
    }

    private static boolean nameOk(File dir, String what, List<String> warnings) {
        if (JobRef.isSafeName(dir.getName())) {
            return true;
        }
        warnings.add("ignored " + what + " folder with an unsafe name: " + dir);
        return false;
    }

    /** Sub-folders, hidden ones skipped, sorted so scans and warnings come out the same every time. */
    static List<File> dirs(File parent) {
        return dirs(parent, new ArrayList<>());
    }

    /**
     * Sub-folders as {@link #dirs(File)}, never through a symbolic link: a linked folder (a job committed as a link
     * to somewhere outside the repo) is left where it is, and a warning names it. One lstat per entry, as the plain
     * directory test's stat was.
     */
    static List<File> dirs(File parent, List<String> warnings) {
        String[] names = parent.list();
        if (names == null) {
            return List.of();
        }
        Arrays.sort(names);
        List<File> out = new ArrayList<>(names.length);
        for (String name : names) {
            if (name.startsWith(".")) {
                continue;
            }
            File f = new File(parent, name);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(f.toPath(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue; // gone since the listing
            }
            if (a.isSymbolicLink()) {
                if (f.isDirectory()) {
                    warnings.add("symbolic link " + f + " (to " + linkTarget(f) + ") is not followed; left where it is");
                }
            } else if (a.isDirectory()) {
                out.add(f);
            }
        }
        return out;
    }

    private static String linkTarget(File link) {
        try {
            return Files.readSymbolicLink(link.toPath()).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }
}
