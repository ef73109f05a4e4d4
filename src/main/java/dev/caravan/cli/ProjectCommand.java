package dev.caravan.cli;

import dev.caravan.camel.OneShot;
import dev.caravan.projects.AwsBatch;
import dev.caravan.projects.ProjectService;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@code caravan project import|create|submit|status|resubmit|cancel|logs}: aws-batch-helpers' projects on Caravan. */
final class ProjectCommand {

    static final String HELP = """
            usage: caravan project COMMAND PROJECT [options] [--config FILE]

              import PROJECT --metadata FILE.csv [--sample-col sample] [--file-col file]
                        the samples: one row each; sample and file named once
              create PROJECT --template workflow.json [--env NAME]
                        the workflow: checked (fields, templates for every sample, queues and job
                        definitions on AWS Batch) and bound to an awsbatch environment (default: the only one)
              submit PROJECT [--workflow W]
                        writes one job per sample x analysis and runs a cycle of the environment: the
                        jobs are on AWS Batch when it returns, chained per sample (dependsOn); jobs whose
                        outputs are all on S3 are completed without submitting. The daemon follows them.
              status PROJECT [--workflow W]
                        jobs per state, and per AWS Batch status for those in flight (DescribeJobs, 100 a call)
              resubmit PROJECT [--workflow W] [--overrides FILE.json]
                        failed (and cancelled) jobs back to the backlog with the overrides
                        (containerOverrides, timeout, retry_attempts, queue, job_definition; per analysis
                        under "analyses": {"NAME": {...}}), then a cycle
              cancel PROJECT [--workflow W] [--status S] [--reason TEXT] [--yes]
                        cancels jobs in flight (CancelJob before STARTING, TerminateJob after) and moves
                        backlog jobs to failed; --status: only jobs in that AWS status (or BACKLOG)
              logs PROJECT [--workflow W] [--out DIR]
                        each job's CloudWatch Logs stream to DIR/STATUS.JOBNAME.JOBID.log (default PROJECT/logs)

            Commands that write (import, create, submit, resubmit, cancel) take the daemons' cycle lock and
            commit to the tracking repo; they exit with status 3 while a daemon holds it.
            """;

    private static final Set<String> VALUED = Set.of("config", "metadata", "sample-col", "file-col", "template", "env",
            "workflow", "overrides", "status", "reason", "out");
    private static final Set<String> FLAGS = Set.of("help", "yes");
    private static final Set<String> WRITES = Set.of("import", "create", "submit", "resubmit", "cancel");
    static final Set<String> CANCEL_STATUSES = Set.of("BACKLOG", "SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING");

    private interface Body {
        int run(ProjectService projects) throws Exception;
    }

    private ProjectCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        ArgList a = ArgList.parse("project", args, VALUED, FLAGS);
        if (a.options().help() || a.positional().isEmpty()) {
            out.print(HELP);
            return a.options().help() ? 0 : 2;
        }
        String sub = a.positional().get(0);
        if (a.positional().size() != 2) {
            throw new UsageException("project " + sub + " takes one PROJECT name"
                    + (a.positional().size() > 2 ? " (unexpected '" + a.positional().get(2) + "')" : ""));
        }
        String p = a.positional().get(1);
        if (!p.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,99}")) {
            throw new UsageException("project name '" + p + "': letters, digits, '_' and '-' only");
        }
        Options o = a.options();
        Optional<String> wf = o.value("workflow");
        Body body = switch (sub) {
            case "import" -> importer(o, p, out);
            case "create" -> creator(o, p, out);
            case "submit" -> s -> ProjectPrint.submitted(p, s.submit(p, wf), out, err);
            case "status" -> s -> ProjectPrint.status(p, s.status(p, wf), out);
            case "resubmit" -> s -> ProjectPrint.resubmitted(p, s.resubmit(p, wf, o.value("overrides").map(Path::of)), out, err);
            case "cancel" -> canceller(o, p, out, err);
            case "logs" -> s -> {
                Path dir = Path.of(o.value("out").orElse(p + "/logs"));
                AwsBatch.Logs r = s.logs(p, wf, dir);
                out.println("wrote " + r.written() + " log files to " + dir + " (" + r.events() + " events; "
                        + r.withoutStream() + " jobs without a log stream, " + r.missingStream() + " streams not found)");
                return 0;
            };
            default -> throw new UsageException("unknown project command '" + sub
                    + "' (import, create, submit, status, resubmit, cancel, logs)");
        };
        try (OneShot s = OneShot.start(Cli.config(o), WRITES.contains(sub))) {
            return body.run(s.projects());
        } catch (Exception e) {
            return Cli.failed(e, err);
        }
    }

    private static Body importer(Options o, String project, PrintStream out) {
        Path csv = Path.of(o.required("metadata"));
        String sampleCol = o.value("sample-col").orElse("sample");
        String fileCol = o.value("file-col").orElse("file");
        return s -> {
            ProjectService.Imported r = s.importSamples(project, csv, sampleCol, fileCol);
            out.println("imported " + r.samples() + " samples into project " + project + " (sample column '"
                    + sampleCol + "', file column '" + fileCol + "')");
            return 0;
        };
    }

    private static Body creator(Options o, String project, PrintStream out) {
        Path template = Path.of(o.required("template"));
        return s -> {
            ProjectService.Created c = s.create(project, template, o.value("env"));
            c.notes().forEach(n -> out.println("note: " + n));
            out.println("created workflow " + c.workflow() + " of project " + project + ": " + c.samples()
                    + " samples x " + c.analyses() + " analyses = " + c.jobs() + " jobs on environment " + c.env()
                    + "; next: caravan project submit " + project);
            return 0;
        };
    }

    private static Body canceller(Options o, String project, PrintStream out, PrintStream err) {
        Optional<String> only = o.value("status").map(String::toUpperCase);
        if (only.isPresent() && !CANCEL_STATUSES.contains(only.get())) {
            throw new UsageException("--status " + only.get() + ": one of " + String.join(", ", new TreeSet<>(CANCEL_STATUSES)));
        }
        String reason = o.value("reason").orElse("cancelled with 'caravan project cancel' by "
                + Optional.ofNullable(System.getenv("USER")).orElse("an operator"));
        return s -> {
            ProjectService.Cancelled c = s.cancel(project, o.value("workflow"), only, reason, plan -> Cli.confirmed(
                    o.flag("yes"), "cancel " + plan.onAws().size() + " jobs on AWS Batch and " + plan.backlog().size()
                            + " in the backlog of " + project + "/" + plan.workflow(), out, err));
            if (c.plan().isEmpty()) {
                out.println("nothing to cancel in " + project + "/" + c.plan().workflow()
                        + only.map(x -> " with status " + x).orElse(""));
                return 0;
            }
            if (!c.done()) {
                return 2;
            }
            out.println("cancelled " + c.onAws() + " jobs on AWS Batch and " + c.plan().backlog().size()
                    + " backlog jobs of " + project + "/" + c.plan().workflow() + " (" + reason + ")");
            c.problems().forEach(p -> err.println("caravan: " + p));
            c.problem().ifPresent(p -> err.println("caravan: the cycle stopped: " + p));
            return c.problems().isEmpty() && c.problem().isEmpty() ? 0 : 1;
        };
    }
}
