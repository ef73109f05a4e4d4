package dev.caravan.cli;

import dev.caravan.model.BadInputException;
import dev.caravan.intake.ImportRequest;
import dev.caravan.intake.ImportResult;
import dev.caravan.intake.Importer;
import dev.caravan.tracking.GitRepo;
import dev.caravan.tracking.TrackingTree;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** {@code import}: rows of a file become backlog jobs, committed on the clone's current branch. */
final class ImportCommand {

    static final String HELP = """
            usage: caravan import --group G --batch B|auto --from FILE [--unique-key FIELD] [--tracking DIR]

            One backlog job per row of FILE (CSV with a header, JSON lines, or a JSON array of
            objects): jobs/G/B/backlog/job.0001/params.json ..., plus batch-summary.tsv. 'auto' names
            the batch after today's date (UTC), then 2021-07-09a ... z. --unique-key refuses rows whose
            FIELD value is already in any job of the group, or twice in FILE. Any bad row: an error
            naming the line, and nothing is written. DIR defaults to caravan.tracking.dir; when it is a
            Git clone the new files are committed on its current branch (import into a clone of the
            admin branch and push; the daemon merges it). Refused while a daemon holds DIR's lock.
            """;

    private ImportCommand() {
    }

    static int run(Options o, PrintStream out, PrintStream err) {
        Path dir = ConfigFile.trackingDir(o);
        ImportRequest req = new ImportRequest(o.required("group"), o.required("batch"), Path.of(o.required("from")),
                o.value("unique-key"));
        boolean isGit = Files.isDirectory(dir.resolve(".git"));
        Path lockFile = dir.resolve(".git").resolve("caravan").resolve("cycle");
        try (CycleLock lock = isGit ? CycleLock.tryAcquire(lockFile) : null) {
            if (isGit && lock == null) {
                err.println("caravan: a Caravan daemon holds " + dir + "; import into a clone of the admin branch"
                        + " and push it, the daemon merges it");
                return 3;
            }
            TrackingTree tree = new TrackingTree(dir, Optional.empty());
            tree.load();
            ImportResult r = new Importer(Clock.systemUTC()).importJobs(req, tree);
            if (isGit) {
                try (GitRepo git = GitRepo.openAsIs(dir)) {
                    git.stage(r.touchedPaths());
                    git.commit("[import] " + r.group() + "/" + r.batch() + ": " + r.jobs().size() + " jobs from "
                            + req.from().getFileName());
                }
            }
            out.println("imported " + r.jobs().size() + " jobs into " + r.group() + "/" + r.batch() + " (backlog)");
            return 0;
        } catch (BadInputException e) {
            err.println("caravan: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            err.println("caravan: " + e.getMessage());
            return 1;
        }
    }
}
