package dev.caravan.cli;

import dev.caravan.camel.OneShot;
import dev.caravan.projects.Dashboard;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
        ArgList a = ArgList.parse("dashboard", args, Set.of("config", "tracking"), Set.of("help", "all"));
        if (a.options().help()) {
            out.print(HELP);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "' for dashboard");
        }
        Path dir = Cli.trackingDir(a.options());
        Optional<Dashboard> d;
        if (a.options().value("tracking").isPresent()) {
            d = Dashboard.ofFolder(dir);
        } else {
            // the configured clone, opened (or cloned) as the daemon opens it
            try (OneShot s = OneShot.start(Cli.config(a.options()), false)) {
                d = Optional.of(s.engine().inspect(t -> Dashboard.of(t, List.of())));
            } catch (Exception e) {
                return Cli.failed(e, err);
            }
        }
        if (d.isEmpty()) {
            err.println("caravan: " + dir + " has no jobs/ folder (give the tracking tree with --tracking DIR)");
            return 1;
        }
        d.get().warnings().forEach(w -> err.println("warning: " + w));
        render(d.get(), dir, a.options().flag("all"), out);
        return 0;
    }

    private static void render(Dashboard d, Path dir, boolean all, PrintStream out) {
        if (d.rows().isEmpty()) {
            out.println("no projects in " + dir + " (caravan project import / create / submit)");
            return;
        }
        int width = Math.max(16, d.rows().keySet().stream().mapToInt(String::length).max().orElse(0));
        StringBuilder head = new StringBuilder(String.format("%-" + width + "s", "project/workflow"));
        d.states().forEach(s -> head.append(String.format(" %9s", s)));
        head.append(String.format(" %9s", "total"));
        int completed = 0;
        List<String> lines = new ArrayList<>();
        for (String row : d.rows().keySet()) {
            if (d.completed(row)) {
                completed++;
                if (!all) {
                    continue;
                }
            }
            StringBuilder sb = new StringBuilder(String.format("%-" + width + "s", row));
            d.states().forEach(s -> sb.append(String.format(" %9d", d.rows().get(row).getOrDefault(s, 0))));
            sb.append(String.format(" %9d", d.total(row)));
            if (d.total(row) == 0) {
                sb.append("  (not submitted)");
            }
            lines.add(sb.toString());
        }
        if (lines.isEmpty()) {
            out.println("All projects are completed (" + completed + ")");
            return;
        }
        out.println(head);
        lines.forEach(out::println);
        out.println();
        out.println("Completed projects: " + completed);
    }
}
