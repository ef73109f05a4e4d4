package dev.caravan.engine;

import dev.caravan.model.JobRef;
import dev.caravan.model.ReservedNames;
import dev.caravan.model.State;
import dev.caravan.model.TreeFile;
import dev.caravan.tracking.TrackingTree;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The all-or-nothing rule of an addition, shared by the engine's tree and an operator's folder. */
final class TreeAdditions {

    private TreeAdditions() {
    }

    /** Everything that would stop the addition; empty when it can be written whole. */
    static List<IntakeOutcome.Refusal> check(TrackingTree tree, Addition a) {
        List<IntakeOutcome.Refusal> out = new ArrayList<>();
        Set<JobRef> seen = new HashSet<>();
        Map<String, Set<String>> onDisk = new HashMap<>();
        Set<String> batchesChecked = new HashSet<>();
        for (NewJob j : a.jobs()) {
            JobRef r = j.ref();
            if (!seen.add(r)) {
                out.add(new IntakeOutcome.Refusal(r.path(), "is named twice"));
                continue;
            }
            boolean there = onDisk.computeIfAbsent(r.group() + "/" + r.batch(),
                    k -> tree.jobFoldersOnDisk(r.group(), r.batch())).contains(r.jobId());
            if (there || tree.index().get(r).isPresent()) {
                List<State> states = tree.foldersOf(r);
                out.add(new IntakeOutcome.Refusal(r.path(), "is in the tracking tree already" + (states.isEmpty() ? ""
                        : " (" + states.stream().map(State::name).collect(Collectors.joining(", ")) + ")")));
            }
            for (String dep : j.after()) {
                if (!JobRef.isSafeName(dep)) {
                    out.add(new IntakeOutcome.Refusal(r.path(), "runs after '" + dep + "', which is not a job id"));
                }
            }
            if (batchesChecked.add(r.group() + "/" + r.batch())) {
                ReservedNames.problem("group", r.group()).or(() -> ReservedNames.problem("batch", r.batch()))
                        .ifPresent(p -> out.add(new IntakeOutcome.Refusal(r.group() + "/" + r.batch(), p)));
                tree.notAFolder(r.group(), Optional.of(r.batch()), Optional.of(State.BACKLOG)).ifPresent(p ->
                        out.add(new IntakeOutcome.Refusal(r.path(), p + " exists and is not a folder")));
            }
        }
        for (TreeFile f : a.files().keySet()) {
            Path p = tree.pathOf(f);
            if (Files.isDirectory(p)) {
                out.add(new IntakeOutcome.Refusal(f.toString(), p + " exists and is not a file"));
            }
        }
        return out;
    }

    /** Writes a checked addition; the jobs added, in order. */
    static List<JobRef> write(TrackingTree tree, Addition a) {
        for (NewJob j : a.jobs()) {
            tree.addJob(j.ref(), State.BACKLOG, j.params(), j.after());
        }
        a.files().forEach(tree::write);
        return a.jobs().stream().map(NewJob::ref).toList();
    }
}
