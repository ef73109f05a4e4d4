package dev.caravan.cli;

import dev.caravan.report.PhaseTimes;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar caravan.jar [run|cycle --once|report|import|convert-config] [options]}. Each command
 * has {@code --help}. Exit codes: 0 done, 1 failed, 2 bad usage or settings, 3 another process holds
 * the cycle lock.
 */
public final class Caravan {

    static final String USAGE = """
            usage: caravan [command] [--config FILE] [-Dkey=value ...] [--verbose]

            commands:
              run                 start the daemon (the default)
              cycle --once        run one cycle of every environment and exit (for cron)
              report [--tracking DIR]
                                  print GROUP state N for every group with jobs
              import --group G --batch B|auto --from FILE [--unique-key FIELD] [--tracking DIR]
                                  add one backlog job per row of a CSV, JSON-lines or JSON-array file
              convert-config FILE print the caravan.* properties equivalent to the ICGC scheduler's
                                  job-scheduler.conf FILE
              project import|create|submit|status|resubmit|cancel|logs PROJECT [...]
                                  aws-batch-helpers projects on an awsbatch environment
              dashboard [--tracking DIR]
                                  every project x state in one table
              queue status|clear QUEUE [--env NAME]
                                  an AWS Batch queue's jobs per status, or cancel them
              batch list|create|show|resource|template|tasks|start|abort|retry|export|item|log ...
                                  batches people drive (the /api/batches actions)

            --config FILE replaces config/application.properties; -Dkey=value overrides any setting.
            Commands other than run print their answer on stdout and log to stderr, warnings and errors
            only; --verbose logs INFO too.
            'caravan COMMAND --help' tells more.
            """;

    private Caravan() {
    }

    public static void main(String[] args) {
        long entered = System.currentTimeMillis();
        CommandLogging.configure(args);
        int code = run(args, System.out, System.err);
        if (code != Daemon.RUNNING) {
            if (PhaseTimes.on()) { // -Ddev.caravan.timings=true: where the time went, from the process's start
                PhaseTimes.record("jvm", ProcessHandle.current().info().startInstant()
                        .map(java.time.Instant::toEpochMilli).orElse(entered), entered);
                PhaseTimes.mark("exit");
                PhaseTimes.print(System.err);
            }
            System.exit(code);
        }
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>();
        for (String a : argv) {
            if (a.equals(CommandLogging.VERBOSE)) {
                continue; // read by CommandLogging before anything logs
            }
            if (a.startsWith("-D") && a.contains("=")) {
                int eq = a.indexOf('=');
                System.setProperty(a.substring(2, eq), a.substring(eq + 1));
            } else {
                args.add(a);
            }
        }
        String command = args.isEmpty() || args.get(0).startsWith("-") ? "run" : args.remove(0);
        if (command.equals("help") || (command.equals("run") && args.contains("--help") && args.size() == 1
                && argv.length == 1)) {
            out.print(USAGE);
            return 0;
        }
        try {
            switch (command) { // commands with positional arguments parse their own
                case "project" -> {
                    return ProjectCommand.run(args, out, err);
                }
                case "dashboard" -> {
                    return DashboardCommand.run(args, out, err);
                }
                case "queue" -> {
                    return QueueCommand.run(args, out, err);
                }
                case "batch" -> {
                    return BatchCommand.run(args, out, err);
                }
                default -> {
                }
            }
            Options o = Options.parse(command, args);
            return switch (command) {
                case "run" -> o.help() ? help(out, Daemon.RUN_HELP) : Daemon.run(o, false, out, err);
                case "cycle" -> o.help() ? help(out, Daemon.CYCLE_HELP) : cycle(o, out, err);
                case "report" -> o.help() ? help(out, ReportCommand.HELP) : ReportCommand.run(o, out, err);
                case "import" -> o.help() ? help(out, ImportCommand.HELP) : ImportCommand.run(o, out, err);
                case "convert-config" -> o.help() ? help(out, ConvertConfigCommand.HELP) : ConvertConfigCommand.run(o, out, err);
                default -> usage(err, "unknown command '" + command + "'");
            };
        } catch (UsageException e) {
            return usage(err, e.getMessage());
        }
    }

    private static int cycle(Options o, PrintStream out, PrintStream err) {
        if (!o.flag("once")) {
            return usage(err, "cycle needs --once (the daemon runs cycles on its own: use 'run')");
        }
        return Daemon.run(o, true, out, err);
    }

    private static int help(PrintStream out, String text) {
        out.print(text);
        return 0;
    }

    static int usage(PrintStream err, String message) {
        err.println("caravan: " + message);
        err.print(USAGE);
        return 2;
    }
}
