package dev.caravan.cli;

import dev.caravan.camel.OneShot;
import dev.caravan.projects.Queues;

import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code queue status|clear QUEUE}: an AWS Batch queue as a whole, whoever submitted its jobs. */
final class QueueCommand {

    static final String HELP = """
            usage: caravan queue status QUEUE [--env NAME] [--config FILE]
                   caravan queue clear QUEUE [--status S] [--reason TEXT] [--yes] [--env NAME] [--config FILE]

            status: how many jobs the queue has in each AWS Batch status (ListJobs, every page).
            clear:  cancels every job of the queue that has not ended (or only those in status S):
                    CancelJob before STARTING, TerminateJob after. Asks first; --yes when there is no terminal.
            The queue is on the awsbatch environment NAME (default: the only one).
            """;

    private QueueCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        ArgList a = ArgList.parse("queue", args, Set.of("config", "env", "status", "reason"), Set.of("help", "yes"));
        if (a.options().help() || a.positional().isEmpty()) {
            out.print(HELP);
            return a.options().help() ? 0 : 2;
        }
        if (a.positional().size() != 2) {
            throw new UsageException("queue " + a.positional().get(0) + " takes one QUEUE name");
        }
        String sub = a.positional().get(0);
        String queue = a.positional().get(1);
        Options o = a.options();
        if (!sub.equals("status") && !sub.equals("clear")) {
            throw new UsageException("unknown queue command '" + sub + "' (status, clear)");
        }
        List<String> allowed = sub.equals("clear") ? Queues.OPEN : Queues.ALL;
        Optional<String> only = o.value("status").map(s -> {
            if (!allowed.contains(s.toUpperCase())) {
                throw new UsageException("--status " + s + ": one of " + allowed);
            }
            return s.toUpperCase();
        });
        List<String> statuses = only.map(List::of).orElse(allowed);
        try (OneShot s = OneShot.start(Cli.config(o), false)) {
            if (sub.equals("status")) {
                Queues.Counts c = s.queues().status(queue, o.value("env"), statuses);
                out.println(queue + " (environment " + c.env() + ")");
                c.counts().forEach((k, v) -> out.printf("  %-10s %6d%n", k, v));
                out.printf("  %-10s %6d%n", "total", c.total());
                return 0;
            }
            String reason = o.value("reason").orElse("queue cleared with 'caravan queue clear'");
            Queues.Cleared c = s.queues().clear(queue, o.value("env"), statuses, reason,
                    n -> Cli.confirmed(o.flag("yes"), "cancel " + n + " jobs of " + queue, out, err));
            if (c.jobs() == 0) {
                out.println("nothing to clear in " + queue);
                return 0;
            }
            if (!c.done()) {
                return 2;
            }
            c.problems().forEach(p -> err.println("caravan: " + p));
            out.println("cancelled " + c.cancelled() + " of " + c.jobs() + " jobs of " + queue + " (" + reason + ")");
            return c.cancelled() == c.jobs() ? 0 : 1;
        } catch (Exception e) {
            return Cli.failed(e, err);
        }
    }
}
