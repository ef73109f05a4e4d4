package dev.caravan.cli;

import dev.caravan.model.State;
import dev.caravan.projects.ProjectService;

import java.io.PrintStream;
import java.util.List;

/** What {@code project submit}, {@code status} and {@code resubmit} print. */
final class ProjectPrint {

    private ProjectPrint() {
    }

    static int submitted(String project, ProjectService.Submitted r, PrintStream out, PrintStream err) {
        ProjectService.Counts c = r.counts();
        String env = r.env().name();
        out.println("submitted " + project + "/" + r.workflow() + " on " + env + " in " + r.millis() + " ms: "
                + c.onAws() + " jobs on AWS Batch, " + c.skipped() + " skipped (outputs already on S3), "
                + c.completed() + " completed, " + c.failed() + " failed, " + c.backlog() + " in the backlog");
        if (c.backlog() > 0) {
            out.println("  the backlog goes out on the next cycles (caravan.env." + env + ".max-parallel-runs is "
                    + r.env().maxParallelRuns() + "; refusals are in the log above)");
        }
        return cycleProblem(r.problem().orElse(null), err);
    }

    static int resubmitted(String project, ProjectService.Resubmitted r, PrintStream out, PrintStream err) {
        if (r.jobs() == 0) {
            out.println("nothing to resubmit: " + project + "/" + r.workflow() + " has no failed jobs");
            return 0;
        }
        ProjectService.Counts c = r.counts();
        out.println("resubmitted " + r.jobs() + " jobs of " + project + "/" + r.workflow() + ": " + c.onAws()
                + " jobs on AWS Batch, " + c.skipped() + " skipped, " + c.failed() + " failed, " + c.backlog()
                + " in the backlog");
        return cycleProblem(r.problem().orElse(null), err);
    }

    static int status(String project, List<ProjectService.Status> all, PrintStream out) {
        for (ProjectService.Status s : all) {
            out.println(project + "/" + s.workflow() + " (environment " + s.env() + ", " + s.jobs() + " jobs)");
            for (State st : State.KNOWN) {
                out.printf("  %-10s %6d%n", st.name(), s.byState().getOrDefault(st.name(), 0));
            }
            s.byState().forEach((k, v) -> {
                if (!State.of(k).isKnown()) {
                    out.printf("  %-10s %6d%n", k, v);
                }
            });
            if (s.inFlight() > 0 || s.skipped() > 0) {
                out.println("  in flight on AWS Batch:");
                s.aws().forEach((k, v) -> out.printf("    %-10s %6d%n", k, v));
                if (s.skipped() > 0) {
                    out.printf("    %-10s %6d  (outputs on S3, completed on the next cycle)%n", "skipped", s.skipped());
                }
                if (s.unknown() > 0) {
                    out.printf("    %-10s %6d  (not known to AWS Batch)%n", "unknown", s.unknown());
                }
            }
            out.println("  (" + s.describeCalls() + " DescribeJobs calls for " + s.inFlight() + " jobs in flight, "
                    + s.millis() + " ms)");
        }
        return 0;
    }

    private static int cycleProblem(String problem, PrintStream err) {
        if (problem == null) {
            return 0;
        }
        err.println("caravan: the cycle stopped: " + problem);
        return 1;
    }
}
