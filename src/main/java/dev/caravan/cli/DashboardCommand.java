package dev.caravan.cli;

import dev.caravan.model.Job;
import dev.caravan.model.State;
import dev.caravan.tracking.ScanResult;
import dev.caravan.tracking.TrackingTree;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code dashboard}: every project (a group with a {@code workflow.json}) × state in one table, read from the tracking
 * tree alone: no AWS call. Projects whose every job has completed are counted below the table.
 */
final class DashboardCommand {

    static final String HELP = """
            usage: caravan dashboard [--tracking DIR] [--config FILE] [--all]

            One line per project workflow that has not completed: its jobs per state (backlog, queued,
            failed, completed, then any other state folder) and in all; then how many projects have
            completed. --all lists completed projects too. Reads the tracking tree only (no AWS calls):
            'caravan project status' asks AWS Batch about the jobs in flight.
            """;

    private DashboardCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        ArgList a = ArgList.parse("dashboard", args, java.util.Set.of("config", "tracking"), java.util.Set.of("help", "all"));
        if (a.options().help()) {
            out.print(HELP);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "' for dashboard");
        }
        Path dir = ConfigFile.trackingDir(a.options());
        if (!Files.isDirectory(dir.resolve(TrackingTree.JOBS))) {
            err.println("caravan: " + dir + " has no jobs/ folder (give the tracking tree with --tracking DIR)");
            return 1;
        }
        TrackingTree tree = new TrackingTree(dir, Optional.empty());
        ScanResult r = tree.load();
        r.warnings().forEach(w -> err.println("warning: " + w));
        Map<String, Map<String, Integer>> rows = new TreeMap<>();
        List<String> states = new ArrayList<>();
        State.KNOWN.forEach(s -> states.add(s.name()));
        String[] groups = tree.jobsDir().toFile().list();
        for (String g : groups == null ? new String[0] : groups) {
            for (String wf : ProjectCommand.workflows(tree, g)) {
                rows.put(g + "/" + wf, new TreeMap<>());
            }
        }
        for (Job j : tree.index().all()) {
            String key = j.ref().group() + "/" + j.ref().batch();
            Map<String, Integer> row = rows.get(key);
            if (row != null) {
                row.merge(j.state().name(), 1, Integer::sum);
                if (!states.contains(j.state().name())) {
                    states.add(j.state().name());
                }
            }
        }
        int width = Math.max(16, rows.keySet().stream().mapToInt(String::length).max().orElse(0));
        StringBuilder head = new StringBuilder(String.format("%-" + width + "s", "project/workflow"));
        states.forEach(s -> head.append(String.format(" %9s", s)));
        head.append(String.format(" %9s", "total"));
        int completedProjects = 0;
        List<String> completedNames = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Map<String, Integer>> e : rows.entrySet()) {
            int total = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            boolean done = total > 0 && e.getValue().getOrDefault("completed", 0) == total;
            if (done) {
                completedProjects++;
                completedNames.add(e.getKey());
                if (!a.options().flag("all")) {
                    continue;
                }
            }
            StringBuilder sb = new StringBuilder(String.format("%-" + width + "s", e.getKey()));
            states.forEach(s -> sb.append(String.format(" %9d", e.getValue().getOrDefault(s, 0))));
            sb.append(String.format(" %9d", total));
            if (total == 0) {
                sb.append("  (not submitted)");
            }
            lines.add(sb.toString());
        }
        if (rows.isEmpty()) {
            out.println("no projects in " + dir + " (caravan project import / create / submit)");
            return 0;
        }
        if (lines.isEmpty()) {
            out.println("All projects are completed (" + completedProjects + ")");
            return 0;
        }
        out.println(head);
        lines.forEach(out::println);
        out.println();
        out.println("Completed projects: " + completedProjects);
        return 0;
    }
}
