package dev.caravan.cli;

import dev.caravan.model.BadInputException;
import dev.caravan.icgc.IcgcConfigConverter;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code convert-config FILE}: the ICGC scheduler's job-scheduler.conf as caravan.* properties on stdout. */
final class ConvertConfigCommand {

    static final String HELP = """
            usage: caravan convert-config FILE

            Prints the caravan.* properties equivalent to FILE, the ICGC 25K transfer scheduler's
            job-scheduler.conf (YAML): the tracking repo, push interval and cycle cron; one wes
            environment (wes-dialect=argo) per compute environment, named as in FILE, with its URLs
            (wes_url without /runs), max_parallel_runs, excessive_failure_threshold, nfs_root_paths,
            the workflow and submit-interval=5s; credentials and the Slack hook as {{env:VAR}} with
            the variable names of FILE's ENV blocks. Nothing is written: redirect it to a file and
            start Caravan with --config on it. The original's -s (study priority) and -x (excluded
            studies) become caravan.groups.priority and caravan.groups.exclude (see the header).
            Exit status 2 with a message naming the file, line and field when FILE is not valid.
            """;

    private ConvertConfigCommand() {
    }

    static int run(Options o, PrintStream out, PrintStream err) {
        Path file = Path.of(o.value("file").orElseThrow(() -> new UsageException(
                "convert-config needs FILE, the ICGC scheduler's job-scheduler.conf")));
        String text;
        try {
            text = IcgcConfigConverter.convert(file);
        } catch (BadInputException e) {
            err.println("caravan: convert-config: " + e.getMessage());
            return 2;
        }
        out.print(text);
        out.flush();
        return 0;
    }
}
