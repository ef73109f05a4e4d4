package dev.caravan.backend.slurm;

import dev.caravan.backend.BackendException;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The calls to Slurm's clients and what their answers mean: sbatch's job id or refusal, squeue's and sacct's job
 * lists, scancel. Which squeue output and which accounting to use is asked of Slurm once, on first need.
 */
final class SlurmQueue {

    private static final Logger LOG = LoggerFactory.getLogger(SlurmQueue.class);

    /** squeue 23.02 and later filter their {@code --json} output; 22.05 prints every job of the cluster. */
    private static final int JSON_FILTERS_FROM = 2302;
    private static final String INVALID_JOB_ID = "invalid job id specified";
    static final String NO_ACCOUNTING = "no accounting";

    /**
     * What accounting said of jobs that left the queue.
     *
     * @param source  which accounting answered ("sacct -c", "sacct", "no accounting")
     * @param problem why it could not answer, when it could not
     */
    record Accounted(Map<String, QueueEntry> entries, String source, Optional<String> problem) {
    }

    /** How long one {@code squeue --me} listing answers {@link #findByComment}: the intents of one reconcile. */
    static final long LISTING_MEMORY_NANOS = 5_000_000_000L;

    /** This user's jobs by comment, as one squeue said at {@code takenAt}. */
    private record Listing(Map<String, String> idByComment, long takenAt) {
    }

    private final SlurmSettings settings;
    private final SlurmTools tools;
    private volatile SlurmSettings.QueueFormat format;
    private volatile SlurmSettings.Accounting accounting;
    private final Outage outage = new Outage();
    private volatile Listing listing;

    SlurmQueue(SlurmSettings settings, SlurmTools tools) {
        this.settings = settings;
        this.tools = tools;
        this.format = settings.queueFormat() == SlurmSettings.QueueFormat.AUTO ? null : settings.queueFormat();
        this.accounting = settings.accounting() == SlurmSettings.Accounting.AUTO ? null : settings.accounting();
    }

    SlurmTools tools() {
        return tools;
    }

    /** @return the new job's id; a refusal is BAD_INPUT naming sbatch's error, an unreachable slurmctld RETRYABLE */
    String sbatch(JobRef job, List<String> args, Map<String, String> env) throws SlurmException {
        outage.check("job " + job.path() + ": not sent");
        listing = null; // a listing taken before this submission cannot tell whether it arrived
        SlurmTools.Result r = outage.watch(() -> {
            SlurmTools.Result done = tools.run("sbatch", args, Optional.of(env));
            if (!done.ok()) {
                BackendException.Kind kind = SlurmException.classify(done.err(), BackendException.Kind.BAD_INPUT);
                String what = kind == BackendException.Kind.RETRYABLE ? "slurmctld unreachable, sbatch failed"
                        : kind == BackendException.Kind.CRITICAL ? "sbatch cannot reach Slurm" : "sbatch refused it";
                throw new SlurmException(kind, "job " + job.path() + ": " + what + " (exit " + done.exit() + "): "
                        + done.problem());
            }
            return done;
        });
        // --parsable: "<id>" or "<id>;<cluster>"
        String first = r.out().strip().lines().findFirst().orElse("");
        String id = first.contains(";") ? first.substring(0, first.indexOf(';')) : first;
        if (!WorkFolder.isJobId(id)) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, "job " + job.path() + ": sbatch answered '" + first
                    + "', not a job id; the submission is looked up by its comment before it is sent again");
        }
        return id;
    }

    /** One squeue call for all these jobs, finished ones still in slurmctld's memory included. */
    Map<String, QueueEntry> squeue(Collection<String> ids) throws SlurmException {
        List<String> args = new ArrayList<>(List.of("--noheader", "--states=all", "--jobs=" + String.join(",", ids)));
        Map<String, QueueEntry> all = list(args);
        all.keySet().retainAll(ids);
        return all;
    }

    /**
     * The job whose comment this is, among this user's jobs that slurmctld still knows. One listing serves the calls
     * of the next few seconds (a reconcile asks once per intent) unless this backend has submitted since.
     */
    Optional<String> findByComment(String comment) throws SlurmException {
        Listing l = listing;
        if (l == null || System.nanoTime() - l.takenAt() > LISTING_MEMORY_NANOS) {
            long takenAt = System.nanoTime();
            Map<String, String> byComment = new java.util.HashMap<>();
            list(new ArrayList<>(List.of("--noheader", "--states=all", "--me")))
                    .values().forEach(e -> byComment.putIfAbsent(e.comment(), e.jobId()));
            l = new Listing(byComment, takenAt);
            listing = l;
        }
        return Optional.ofNullable(l.idByComment().get(comment));
    }

    private Map<String, QueueEntry> list(List<String> filters) throws SlurmException {
        outage.check("env " + settings.env() + ": squeue not asked");
        return outage.watch(() -> listNow(filters));
    }

    private Map<String, QueueEntry> listNow(List<String> filters) throws SlurmException {
        boolean json = queueFormat() == SlurmSettings.QueueFormat.JSON;
        List<String> args = new ArrayList<>(filters);
        if (json) {
            args.add("--json");
        } else {
            args.add("--Format=" + SqueueOutput.COLUMNS);
        }
        SlurmTools.Result r = tools.run("squeue", args);
        if (!r.ok()) {
            if (r.err().toLowerCase(Locale.ROOT).contains(INVALID_JOB_ID)) {
                return new java.util.LinkedHashMap<>(); // none of them is in slurmctld's memory any more
            }
            throw unreachable("squeue", r);
        }
        if (!json) {
            return SqueueOutput.parseText(r.out());
        }
        try {
            return SqueueOutput.parseJson(r.out());
        } catch (IOException e) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, "env " + settings.env() + ": squeue --json printed"
                    + " what is not its JSON: " + e.getMessage(), e);
        }
    }

    /** At most one sacct call for the jobs that left the queue; its failure is reported, not thrown. */
    Accounted accounting(Collection<String> ids) throws SlurmException {
        SlurmSettings.Accounting mode = accountingMode();
        if (mode == SlurmSettings.Accounting.NONE) {
            return new Accounted(Map.of(), NO_ACCOUNTING, Optional.empty());
        }
        List<String> args = new ArrayList<>();
        String source;
        if (mode == SlurmSettings.Accounting.JOBCOMP) {
            args.add("--completion");
            source = "sacct -c";
        } else {
            args.add("--allocations");
            source = "sacct";
        }
        args.addAll(List.of("--parsable2", "--noheader", "--jobs=" + String.join(",", ids),
                "--format=JobID,State,ExitCode" + (mode == SlurmSettings.Accounting.SLURMDBD ? ",Reason" : "")));
        SlurmTools.Result r = tools.run("sacct", args);
        if (!r.ok()) {
            LOG.warn("env {}: {} failed (exit {}): {}", settings.env(), source, r.exit(), r.problem());
            return new Accounted(Map.of(), source, Optional.of(source + ": " + r.problem()));
        }
        Map<String, QueueEntry> entries = SqueueOutput.parseSacct(r.out());
        entries.keySet().retainAll(ids);
        return new Accounted(entries, source, Optional.empty());
    }

    /**
     * The predecessors a chained job waits for with {@code afterok}. Slurm takes a dependency on a job it no longer
     * remembers as satisfied, so one that already left the queue is looked up first: completed ones are left out, and
     * a failed or unknown one keeps this job in the backlog.
     */
    List<String> dependencies(JobRef job, List<String> dependsOn) throws SlurmException {
        if (dependsOn.isEmpty()) {
            return List.of();
        }
        for (String id : dependsOn) {
            if (!WorkFolder.isJobId(id)) {
                throw new SlurmException(BackendException.Kind.BAD_INPUT, "job " + job.path() + " runs after run " + id
                        + ", which is not a Slurm job id");
            }
        }
        Map<String, QueueEntry> known = squeue(dependsOn);
        List<String> gone = dependsOn.stream().filter(id -> !known.containsKey(id)).toList();
        if (!gone.isEmpty()) {
            Accounted accounted = accounting(gone);
            known.putAll(accounted.entries());
        }
        List<String> after = new ArrayList<>();
        for (String id : dependsOn) {
            QueueEntry e = known.get(id);
            RunStatus.Phase phase = e == null ? RunStatus.Phase.UNKNOWN : SlurmStates.phase(e.state());
            if (phase == RunStatus.Phase.IN_FLIGHT || (phase == RunStatus.Phase.COMPLETED && !gone.contains(id))) {
                after.add(id);
            } else if (phase != RunStatus.Phase.COMPLETED) {
                // not this job's fault, and the next poll settles it: the predecessor fails, or turns up
                throw new SlurmException(BackendException.Kind.RETRYABLE, "job " + job.path() + " runs after Slurm job "
                        + id + ", which " + (e == null ? "Slurm no longer knows (left the queue, no accounting record)"
                        : "is " + e.state()) + "; it stays in backlog until that job's end is known");
            }
        }
        return after;
    }

    /** One scancel for all; empty when it got through (or the jobs had ended already), else why not. */
    Optional<String> scancel(List<String> ids) {
        try {
            SlurmTools.Result r = tools.run("scancel", ids);
            String err = r.err().toLowerCase(Locale.ROOT);
            if (r.ok() || err.contains("already completing or completed") || err.contains(INVALID_JOB_ID)) {
                return Optional.empty();
            }
            return Optional.of("scancel " + String.join(" ", ids) + " (exit " + r.exit() + "): " + r.problem());
        } catch (SlurmException e) {
            return Optional.of(e.getMessage());
        }
    }

    private SlurmException unreachable(String tool, SlurmTools.Result r) {
        BackendException.Kind kind = SlurmException.classify(r.err(), BackendException.Kind.RETRYABLE);
        String what = kind == BackendException.Kind.CRITICAL ? "cannot reach Slurm" : "slurmctld unreachable";
        return new SlurmException(kind, "env " + settings.env() + ": " + what + ": " + tool + " (exit " + r.exit() + "): "
                + r.problem());
    }

    private SlurmSettings.QueueFormat queueFormat() throws SlurmException {
        SlurmSettings.QueueFormat f = format;
        if (f != null) {
            return f;
        }
        SlurmTools.Result r = tools.run("squeue", List.of("--version"));
        if (!r.ok()) {
            throw unreachable("squeue --version", r);
        }
        Optional<Integer> version = SqueueOutput.version(r.out());
        f = version.filter(v -> v >= JSON_FILTERS_FROM).isPresent() ? SlurmSettings.QueueFormat.JSON
                : SlurmSettings.QueueFormat.TEXT;
        LOG.info("env {}: {}: squeue answers in {}", settings.env(), r.out().strip(), f.name().toLowerCase(Locale.ROOT));
        format = f;
        return f;
    }

    /** From slurmctld's configuration: slurmdbd when accounting storage is on, else the jobcomp file if it has one. */
    private SlurmSettings.Accounting accountingMode() throws SlurmException {
        SlurmSettings.Accounting a = accounting;
        if (a != null) {
            return a;
        }
        SlurmTools.Result r = tools.run("scontrol", List.of("show", "config"));
        if (!r.ok()) {
            throw unreachable("scontrol show config", r);
        }
        String storage = configValue(r.out(), "AccountingStorageType");
        String jobcomp = configValue(r.out(), "JobCompType");
        if (!storage.isEmpty() && !storage.endsWith("/none")) {
            a = SlurmSettings.Accounting.SLURMDBD;
        } else if (jobcomp.endsWith("/filetxt")) {
            a = SlurmSettings.Accounting.JOBCOMP;
        } else {
            a = SlurmSettings.Accounting.NONE;
        }
        LOG.info("env {}: AccountingStorageType={}, JobCompType={}: finished jobs are looked up with {}", settings.env(),
                storage, jobcomp, a.name().toLowerCase(Locale.ROOT));
        accounting = a;
        return a;
    }

    private static String configValue(String config, String key) {
        for (String line : config.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).trim().equals(key)) {
                return line.substring(eq + 1).trim();
            }
        }
        return "";
    }
}
