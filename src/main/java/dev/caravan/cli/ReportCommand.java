package dev.caravan.cli;

import dev.caravan.report.FolderReport;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/** {@code report [--tracking DIR]}: any tree, no Git needed, nothing written. */
final class ReportCommand {

    static final String HELP = """
            usage: caravan report [--tracking DIR] [--config FILE]

            Prints 'GROUP state N' for every group with jobs: groups sorted, then backlog, queued,
            failed, completed (the ICGC shell loop's lines), then any other state folder (onhold, ...).
            DIR holds jobs/; default: caravan.tracking.dir. Problems in the tree go to stderr.
            """;

    private ReportCommand() {
    }

    static int run(Options o, PrintStream out, PrintStream err) {
        Path dir = Cli.trackingDir(o);
        Optional<FolderReport> r = FolderReport.read(dir);
        if (r.isEmpty()) {
            err.println("caravan: " + dir + " has no jobs/ folder (give the tracking tree with --tracking DIR)");
            return 1;
        }
        r.get().warnings().forEach(w -> err.println("warning: " + w));
        out.print(r.get().text());
        out.flush();
        return 0;
    }
}
