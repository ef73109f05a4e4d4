package dev.caravan.backend.slurm;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs jobs on a Slurm cluster with its command-line clients. Each submission is one {@code sbatch --parsable} whose
 * {@code --comment} carries the submission token; a poll of any number of jobs is one {@code squeue} and, for those
 * that left slurmctld's memory, at most one {@code sacct}; nothing is kept in memory that a restarted daemon would
 * miss (see {@link WorkFolder} for what the jobs leave on disk).
 */
final class SlurmBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(SlurmBackend.class);

    /** How submissions are recognised in squeue: the comment is this prefix and the submission token. */
    static final String COMMENT_PREFIX = "caravan:";

    private final SlurmSettings settings;
    private final Path workDir;
    private final SlurmQueue queue;

    SlurmBackend(SlurmSettings settings, BackendContext context) {
        this.settings = settings;
        this.workDir = settings.workDir().orElse(context.workDir());
        SlurmTools tools = new SlurmTools(settings.env(), settings.slurmBin(), settings.slurmConf(),
                settings.commandTimeout());
        this.queue = new SlurmQueue(settings, tools);
    }

    @Override
    public boolean chainsRuns() {
        return true;
    }

    @Override
    public String submit(SubmitRequest request) throws BackendException {
        JobRef job = request.job();
        Resources resources = jobResources(request).over(settings.defaults());
        String command = settings.command().render(job, request.params());
        List<String> after = queue.dependencies(job, request.dependsOn());
        String tag = WorkFolder.tag(request.token());
        WorkFolder folder = folder(job);
        String script;
        try {
            script = BatchScript.render(job, request.token(), tag, command);
        } catch (IllegalArgumentException e) {
            throw new SlurmException(BackendException.Kind.BAD_INPUT, e.getMessage(), e);
        }
        try {
            folder.writeScript(tag, script);
        } catch (IOException e) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, "job " + job.path() + ": cannot write the batch"
                    + " script in " + folder.dir() + ": " + e.getMessage(), e);
        }
        List<String> args = new ArrayList<>(List.of("--parsable",
                "--job-name=" + jobName(job),
                "--chdir=" + folder.dir(),
                "--output=" + folder.outputPattern("out"),
                "--error=" + folder.outputPattern("err"),
                "--comment=" + COMMENT_PREFIX + request.token(),
                "--export=ALL"));
        if (!after.isEmpty()) {
            args.add("--dependency=afterok:" + String.join(":", after));
        }
        args.addAll(resources.args());
        args.add(folder.script(tag).toString());
        String id = queue.sbatch(job, args, JobEnvironment.of(System.getenv(), settings.export(), job));
        LOG.debug("env {}: submitted job {} as Slurm job {}{}", settings.env(), job.path(), id,
                after.isEmpty() ? "" : " after " + String.join(", ", after));
        return id;
    }

    /**
     * The job script names itself in the work folder when it starts; squeue still lists one that has not started
     * (or ended a moment ago). Looked at in that order and the folder again, so a job that starts, ends and leaves
     * the queue between the two looks is still found.
     */
    @Override
    public Optional<String> findSubmission(SubmitRequest request) throws BackendException {
        String tag = WorkFolder.tag(request.token());
        WorkFolder folder = folder(request.job());
        Optional<String> started = started(folder, tag, request.job());
        if (started.isPresent()) {
            return started;
        }
        Optional<String> queued = queue.findByComment(COMMENT_PREFIX + request.token());
        if (queued.isPresent()) {
            return queued;
        }
        return started(folder, tag, request.job());
    }

    private Optional<String> started(WorkFolder folder, String tag, JobRef job) throws BackendException {
        try {
            return folder.startedJobId(tag);
        } catch (IOException e) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, "job " + job.path() + ": cannot read "
                    + folder.jobIdFile(tag) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException {
        Map<String, RunStatus> out = new LinkedHashMap<>();
        Map<String, RunHandle> ours = new LinkedHashMap<>();
        for (RunHandle r : runs) {
            if (WorkFolder.isJobId(r.runId())) {
                ours.put(r.runId(), r);
            } else {
                out.put(r.runId(), RunStatus.unknown("'" + r.runId() + "' is not a Slurm job id"));
            }
        }
        if (ours.isEmpty()) {
            return out;
        }
        Map<String, QueueEntry> inQueue = queue.squeue(ours.keySet());
        List<QueueEntry> stuck = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (Map.Entry<String, RunHandle> r : ours.entrySet()) {
            QueueEntry e = inQueue.get(r.getKey());
            if (e == null) {
                left.add(r.getKey());
            } else if (e.dependencyNeverSatisfied()) {
                stuck.add(e);
            } else {
                out.put(r.getKey(), status(e, folder(r.getValue().job())));
            }
        }
        out.putAll(cancelStuck(stuck));
        if (!left.isEmpty()) {
            SlurmQueue.Accounted accounted = queue.accounting(left);
            for (String id : left) {
                out.put(id, afterQueue(id, accounted, folder(ours.get(id).job())));
            }
        }
        return out;
    }

    /** A job that left the queue: accounting's word, else the exit file its script wrote. */
    private RunStatus afterQueue(String id, SlurmQueue.Accounted accounted, WorkFolder folder) throws BackendException {
        QueueEntry e = accounted.entries().get(id);
        if (e != null) {
            return status(e, folder);
        }
        OptionalInt exit;
        try {
            exit = folder.exitStatus(id);
        } catch (IOException e2) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, "Slurm job " + id + ": " + e2.getMessage(), e2);
        }
        if (exit.isPresent()) {
            QueueEntry.ExitCode code = new QueueEntry.ExitCode(exit.getAsInt(), 0);
            return exit.getAsInt() == 0 ? RunStatus.completed("Slurm job " + id + " exit 0 (" + folder.exitFile(id) + ")")
                    : failed(id, "FAILED", "", Optional.of(code), folder);
        }
        if (accounted.problem().isPresent()) {
            return RunStatus.unknown("Slurm job " + id + " left the queue and accounting did not answer ("
                    + accounted.problem().get() + "); no exit file " + folder.exitFile(id) + " yet");
        }
        return RunStatus.failed("Slurm job " + id + " left the queue without a trace: "
                + (accounted.source().equals(SlurmQueue.NO_ACCOUNTING) ? "no accounting" : "no " + accounted.source()
                + " record") + " and no exit file " + folder.exitFile(id)
                + " (cancelled before it started, or lost with its node)");
    }

    private RunStatus status(QueueEntry e, WorkFolder folder) throws BackendException {
        RunStatus.Phase phase = SlurmStates.phase(e.state());
        String id = e.jobId();
        return switch (phase) {
            case COMPLETED -> RunStatus.completed("Slurm job " + id + " COMPLETED");
            case FAILED -> failed(id, e.state(), e.reason(), e.exit(), folder);
            case IN_FLIGHT -> RunStatus.inFlight("Slurm job " + id + " " + e.state()
                    + (e.reason().isEmpty() ? "" : " (" + e.reason() + ")"));
            case UNKNOWN -> RunStatus.unknown("Slurm job " + id + " is in state " + e.state() + ", which Caravan does"
                    + " not know");
        };
    }

    /** "Slurm job 12 TIMEOUT (TimeLimit), exit 0:15; cancelled: ...; stderr: ..." */
    private RunStatus failed(String id, String state, String reason, Optional<QueueEntry.ExitCode> exit,
                             WorkFolder folder) throws BackendException {
        StringBuilder sb = new StringBuilder("Slurm job ").append(id).append(' ').append(state);
        if (!reason.isEmpty()) {
            sb.append(" (").append(reason).append(')');
        }
        exit.filter(x -> x.status() != 0 || x.signal() != 0).ifPresent(x -> sb.append(", ").append(x));
        try {
            folder.cancelReason(id).ifPresent(r -> sb.append("; cancelled: ").append(r));
        } catch (IOException e) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, "Slurm job " + id + ": " + e.getMessage(), e);
        }
        String tail = folder.stderrTail(id);
        if (!tail.isEmpty()) {
            sb.append("; stderr: ").append(tail);
        }
        return RunStatus.failed(sb.toString());
    }

    /**
     * Slurm keeps a job whose dependency failed pending for ever: it is cancelled (all of them in one scancel) and
     * reported failed. If scancel does not get through, the jobs stay in flight and the next poll tries again.
     */
    private Map<String, RunStatus> cancelStuck(List<QueueEntry> stuck) {
        Map<String, RunStatus> out = new LinkedHashMap<>();
        if (stuck.isEmpty()) {
            return out;
        }
        List<String> ids = stuck.stream().map(QueueEntry::jobId).toList();
        Optional<String> problem = queue.scancel(ids);
        for (QueueEntry e : stuck) {
            String what = "Slurm job " + e.jobId() + " can never start: its dependency "
                    + (e.dependency().isEmpty() ? "" : e.dependency() + " ") + "will never be satisfied";
            out.put(e.jobId(), problem.isEmpty() ? RunStatus.failed(what + "; cancelled")
                    : RunStatus.inFlight(what + "; scancel failed, tried again next poll: " + problem.get()));
        }
        return out;
    }

    @Override
    public void cancel(RunHandle run, String reason) throws BackendException {
        String what = "job " + run.job().path() + ": Slurm job " + run.runId();
        if (!WorkFolder.isJobId(run.runId())) {
            throw new SlurmException(BackendException.Kind.BAD_INPUT, what + " cannot be cancelled: not a Slurm job id");
        }
        String text = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        try {
            folder(run.job()).writeCancelReason(run.runId(), text);
        } catch (IOException e) {
            LOG.warn("env {}: {}: the cancel reason could not be written: {}", settings.env(), what, e.getMessage());
        }
        Optional<String> problem = queue.scancel(List.of(run.runId()));
        if (problem.isPresent()) {
            throw new SlurmException(BackendException.Kind.RETRYABLE, what + " could not be cancelled: " + problem.get());
        }
        LOG.info("env {}: cancelled {}: {}", settings.env(), what, text);
    }

    @Override
    public Optional<String> healthProblem() {
        for (String tool : List.of("sbatch", "squeue", "scancel")) {
            Optional<String> missing = queue.tools().missing(tool);
            if (missing.isPresent()) {
                return Optional.of("env " + settings.env() + ": " + missing.get());
            }
        }
        return Optional.empty();
    }

    private Resources jobResources(SubmitRequest request) throws BackendException {
        Object slurm = request.params().get("slurm");
        if (slurm == null) {
            return Resources.NONE;
        }
        if (!(slurm instanceof Map<?, ?> map)) {
            throw new SlurmException(BackendException.Kind.BAD_INPUT, "job " + request.job().path()
                    + ": params.json field 'slurm' must be an object ({\"partition\": ..., \"time\": ...})");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((k, v) -> fields.put(String.valueOf(k), v));
        return Resources.read(fields, (field, problem) -> new SlurmException(BackendException.Kind.BAD_INPUT,
                "job " + request.job().path() + ": params.json field 'slurm." + field + "': " + problem));
    }

    /** What squeue shows: the job's path, as AWS Batch job names are made ({@code <group>_<batch>_<job_id>}). */
    static String jobName(JobRef job) {
        return job.group() + "_" + job.batch() + "_" + job.jobId();
    }

    private WorkFolder folder(JobRef job) {
        return new WorkFolder(workDir, job);
    }
}
