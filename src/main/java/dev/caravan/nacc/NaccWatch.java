package dev.caravan.nacc;

import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.model.State;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the NACC watch does for one run, decided from the run's jobs as the tree has them (pure rules; the
 * route calls them every minute, so no thread ever waits for a batch):
 * <ul>
 *   <li>while a job is in backlog or queued: an INFO "still running" line every {@code status-interval};</li>
 *   <li>when every job has ended and {@code retry_jobs} is on: each failed job that ran once goes back to
 *   backlog for one more try (the batch barrier takes them batch by batch again);</li>
 *   <li>when every job has ended after that: a CRITICAL listing what still failed, or an INFO that the run is
 *   done; the run is then closed.</li>
 * </ul>
 */
public final class NaccWatch {

    private static final int MAX_LISTED = 50;

    /** What to say, which jobs to retry, and the run's new state. */
    public record Step(List<Notification> notifications, List<JobRef> retry, NaccRunLog.RunState state) {
    }

    private NaccWatch() {
    }

    /**
     * @param jobs     the run's jobs (every group, every {@code <run>.bNN} batch)
     * @param describe one line for a failed job: center, project, Flywheel job
     */
    public static Step step(NaccRunLog.RunState s, List<Job> jobs, Instant now, Duration statusInterval,
                            Function<Job, String> describe) {
        String name = "NACC run " + s.run() + " (gear " + s.gear() + " on " + s.env() + ")";
        if (jobs.isEmpty()) {
            return new Step(List.of(Notification.warning(name + ": its jobs are no longer in the tracking tree; closed")),
                    List.of(), s.with(NaccRunLog.DONE, s.lastStatus(), s.retried()));
        }
        List<Job> active = jobs.stream().filter(j -> j.state().equals(State.BACKLOG) || j.state().equals(State.QUEUED)).toList();
        List<Job> failed = jobs.stream().filter(j -> j.state().equals(State.FAILED)).toList();
        List<Job> completed = jobs.stream().filter(j -> j.state().equals(State.COMPLETED)).toList();
        if (!active.isEmpty()) {
            if (now.getEpochSecond() - s.lastStatus() < statusInterval.toSeconds()) {
                return new Step(List.of(), List.of(), s);
            }
            return new Step(List.of(Notification.info(running(name, s, jobs, active, completed.size(), failed.size()))),
                    List.of(), s.with(s.status(), now.getEpochSecond(), s.retried()));
        }
        if (s.retryJobs() && NaccRunLog.RUNNING.equals(s.status())) {
            List<Job> once = failed.stream().filter(j -> j.runs().size() <= 1).toList();
            if (!once.isEmpty()) {
                List<JobRef> refs = once.stream().map(Job::ref).toList();
                String text = name + ": every batch has ended; retrying " + once.size() + " failed "
                        + (once.size() == 1 ? "job" : "jobs") + " once: "
                        + once.stream().map(j -> j.ref().group()).collect(Collectors.joining(", "));
                return new Step(List.of(Notification.info(text)), refs, s.with(NaccRunLog.RETRYING, now.getEpochSecond(),
                        refs.stream().map(JobRef::path).toList()));
            }
        }
        List<Job> other = jobs.stream().filter(j -> !j.state().isKnown()).toList();
        String tail = other.isEmpty() ? "" : "; " + other.size() + " in other folders (not scheduled): "
                + other.stream().map(j -> j.ref().group() + " (" + j.state() + ")").collect(Collectors.joining(", "));
        NaccRunLog.RunState done = s.with(NaccRunLog.DONE, now.getEpochSecond(), s.retried());
        if (failed.isEmpty()) {
            return new Step(List.of(Notification.info(name + " done: " + completed.size() + " of " + jobs.size()
                    + " centers completed in " + batches(jobs).size() + " batches" + tail)), List.of(), done);
        }
        StringBuilder sb = new StringBuilder(name).append(": ").append(failed.size()).append(" of ").append(jobs.size())
                .append(jobs.size() == 1 ? " center" : " centers").append(" still failed")
                .append(s.retried().isEmpty() ? "" : " after one retry").append(" (").append(completed.size())
                .append(" completed").append(tail).append("):");
        failed.stream().limit(MAX_LISTED).forEach(j -> sb.append("\n• ").append(describe.apply(j)));
        if (failed.size() > MAX_LISTED) {
            sb.append("\n… and ").append(failed.size() - MAX_LISTED).append(" more");
        }
        return new Step(List.of(Notification.critical(sb.toString())), List.of(), done);
    }

    private static String running(String name, NaccRunLog.RunState s, List<Job> jobs, List<Job> active, int completed,
                                  int failed) {
        TreeSet<String> all = batches(jobs);
        String current = active.stream().map(j -> j.ref().batch()).min(String::compareTo).orElseThrow();
        Map<String, Integer> waitingLater = new TreeMap<>();
        long inFlight = 0;
        long waitingNow = 0;
        for (Job j : active) {
            if (j.ref().batch().equals(current)) {
                if (j.state().equals(State.QUEUED)) {
                    inFlight++;
                } else {
                    waitingNow++;
                }
            } else {
                waitingLater.merge(j.ref().batch(), 1, Integer::sum);
            }
        }
        int position = all.headSet(current).size() + 1;
        StringBuilder sb = new StringBuilder(name).append(" still running: batch ").append(suffix(current)).append(" (")
                .append(position).append(" of ").append(all.size()).append("): ").append(inFlight).append(" in flight");
        if (waitingNow > 0) {
            sb.append(", ").append(waitingNow).append(" waiting");
        }
        sb.append("; ").append(completed).append(" completed, ").append(failed).append(" failed so far");
        int later = waitingLater.values().stream().mapToInt(Integer::intValue).sum();
        if (later > 0) {
            sb.append("; ").append(later).append(later == 1 ? " center" : " centers").append(" in ")
                    .append(waitingLater.size()).append(" later ").append(waitingLater.size() == 1 ? "batch" : "batches");
        }
        if (NaccRunLog.RETRYING.equals(s.status())) {
            sb.append(" (retrying failed jobs)");
        }
        return sb.toString();
    }

    private static TreeSet<String> batches(List<Job> jobs) {
        return jobs.stream().map(j -> j.ref().batch()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String suffix(String batch) {
        Optional<String> run = NaccJobs.runOf(batch);
        return run.map(r -> batch.substring(r.length() + 1)).orElse(batch);
    }
}
