package dev.caravan.cli;

import dev.caravan.backend.awsbatch.AwsBatchBackend;
import dev.caravan.model.Environment;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    static final List<JobStatus> ALL = List.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE,
            JobStatus.STARTING, JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED);
    static final Set<JobStatus> OPEN = EnumSet.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE,
            JobStatus.STARTING, JobStatus.RUNNING);

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
        Optional<JobStatus> only = o.value("status").map(s -> {
            JobStatus st = JobStatus.fromValue(s.toUpperCase());
            if (st == null || st == JobStatus.UNKNOWN_TO_SDK_VERSION || (sub.equals("clear") && !OPEN.contains(st))) {
                throw new UsageException("--status " + s + ": one of " + (sub.equals("clear") ? OPEN : ALL));
            }
            return st;
        });
        try (AwsSession s = AwsSession.open(o)) {
            Environment env = s.awsEnvironment(o.value("env"));
            AwsBatchBackend b = s.backend(env);
            if (b.missingQueues(List.of(queue)).contains(queue)) {
                err.println("caravan: job queue '" + queue + "' does not exist on AWS Batch (environment " + env.name() + ")");
                return 1;
            }
            if (sub.equals("status")) {
                List<JobSummary> jobs = b.listQueue(queue, only.map(List::of).orElse(ALL));
                Map<JobStatus, Integer> counts = new LinkedHashMap<>();
                only.map(List::of).orElse(ALL).forEach(st -> counts.put(st, 0));
                jobs.forEach(j -> counts.merge(j.status(), 1, Integer::sum));
                out.println(queue + " (environment " + env.name() + ")");
                counts.forEach((k, v) -> out.printf("  %-10s %6d%n", k, v));
                out.printf("  %-10s %6d%n", "total", jobs.size());
                return 0;
            }
            List<JobSummary> jobs = b.listQueue(queue, only.map(List::of).orElse(List.copyOf(OPEN)));
            if (jobs.isEmpty()) {
                out.println("nothing to clear in " + queue);
                return 0;
            }
            if (!o.flag("yes")) {
                if (System.console() == null) {
                    err.println("caravan: about to cancel " + jobs.size() + " jobs of " + queue + "; add --yes to confirm");
                    return 2;
                }
                out.print("Cancel " + jobs.size() + " jobs of " + queue + "? (Y/N): ");
                out.flush();
                String answer = System.console().readLine();
                if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
                    err.println("caravan: not confirmed; nothing cancelled");
                    return 2;
                }
            }
            String reason = o.value("reason").orElse("queue cleared with 'caravan queue clear'");
            int done = 0;
            for (JobSummary j : jobs) {
                try {
                    if (j.status() == JobStatus.STARTING || j.status() == JobStatus.RUNNING) {
                        b.client().terminateJob(r -> r.jobId(j.jobId()).reason(reason));
                    } else {
                        b.client().cancelJob(r -> r.jobId(j.jobId()).reason(reason));
                    }
                    done++;
                } catch (SdkException e) {
                    err.println("caravan: job " + j.jobId() + " (" + j.jobName() + "): " + dev.caravan.aws.AwsErrors.describe(e));
                }
            }
            out.println("cancelled " + done + " of " + jobs.size() + " jobs of " + queue + " (" + reason + ")");
            return done == jobs.size() ? 0 : 1;
        } catch (Exception e) {
            return AwsSession.failed(e, err);
        }
    }
}
