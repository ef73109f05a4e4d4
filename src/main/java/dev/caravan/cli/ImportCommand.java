package dev.caravan.cli;

import dev.caravan.camel.ConfigSource;
import dev.caravan.camel.OneShot;
import dev.caravan.intake.ImportRequest;
import dev.caravan.intake.ImportResult;
import dev.caravan.intake.Importer;
import dev.caravan.model.BadInputException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/** {@code import}: rows of a file become backlog jobs, in the configured clone or an operator's folder. */
final class ImportCommand {

    static final String HELP = """
            usage: caravan import --group G --batch B|auto --from FILE [--unique-key FIELD] [--tracking DIR]

            One backlog job per row of FILE (CSV with a header, JSON lines, or a JSON array of
            objects): jobs/G/B/backlog/job.0001/params.json ..., plus batch-summary.tsv. 'auto' names
            the batch after today's date (UTC), then 2021-07-09a ... z. --unique-key refuses rows whose
            FIELD value is already in any job of the group, or twice in FILE. Any bad row: an error
            naming the line, and nothing is written. Without DIR the jobs go to caravan.tracking.dir,
            cloned first as the daemon clones it, and are committed there. With DIR (an operator's clone
            of the admin branch, or a plain folder) they are committed on the clone's current branch:
            push it, the daemon merges it. Refused while a daemon holds the clone's lock.
            """;

    private ImportCommand() {
    }

    static int run(Options o, PrintStream out, PrintStream err) {
        ImportRequest req = new ImportRequest(o.required("group"), o.required("batch"), Path.of(o.required("from")),
                o.value("unique-key"));
        Importer importer = new Importer(Clock.systemUTC());
        Optional<ImportResult> r;
        try {
            Optional<Path> folder = o.value("tracking").map(Path::of)
                    .filter(d -> !sameFolder(d, ConfigSource.trackingDir(Cli.config(o))));
            if (folder.isPresent()) {
                r = importer.intoFolder(req, folder.get());
            } else {
                try (OneShot s = OneShot.start(Cli.config(o), true)) {
                    r = Optional.of(importer.intoClone(req, s.engine().intake(), s));
                } catch (OneShot.Locked e) {
                    r = Optional.empty();
                }
            }
        } catch (BadInputException e) {
            err.println("caravan: " + e.getMessage());
            return 1;
        } catch (OneShot.StartFailed e) {
            return Cli.failed(e, err);
        }
        if (r.isEmpty()) {
            err.println("caravan: a Caravan daemon holds " + Cli.trackingDir(o) + "; import into a clone of the admin"
                    + " branch and push it, the daemon merges it");
            return 3;
        }
        out.println("imported " + r.get().jobs().size() + " jobs into " + r.get().group() + "/" + r.get().batch()
                + " (backlog)");
        return 0;
    }

    /** {@code --tracking} naming the configured clone means the configured clone: cloned first when it is not there yet. */
    private static boolean sameFolder(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
