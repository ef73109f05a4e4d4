package dev.caravan.backend.local;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunEnds;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs jobs as shell commands on this machine, each detached in its own session under
 * {@code <workDir>/<group>/<batch>/<job_id>/}. The backend keeps no state in memory: everything it answers comes
 * from the run's files (see {@link RunFolder}), so a restarted daemon or a cron cycle sees the same runs.
 */
public final class LocalBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);

    /** How long a launched run may take to write its pid file before a poll stops calling it "starting". */
    static final Duration SPAWN_GRACE = Duration.ofSeconds(30);
    /** A spawned wrapper writes its pid at once; a prepared run with no pid file this long after its launch never spawned. */
    static final Duration NEVER_SPAWNED = Duration.ofSeconds(10);
    /** How long cancel lets a run react to SIGTERM before SIGKILL. */
    static final Duration TERM_GRACE = Duration.ofSeconds(3);
    static final int CANCELLED_STATUS = 143;
    static final String RUNNER_PARAM = "caravan_runner";
    private static final int TAIL_LINES = 5;
    private static final int TAIL_CHARS = 1000;
    private static final long WAIT_STEP_MILLIS = 20;

    private final String envName;
    private final CommandTemplate command;
    private final BackendContext context;
    /** Empty when no one listens for ends ({@link RunEnds#NONE}). */
    private final Optional<ExitWatch> exits;

    LocalBackend(String envName, CommandTemplate command, BackendContext context) {
        this.envName = envName;
        this.command = command;
        this.context = context;
        this.exits = context.runEnds() == RunEnds.NONE ? Optional.empty() : Optional.of(startWatch(envName, context));
    }

    private static ExitWatch startWatch(String envName, BackendContext context) {
        try {
            return new ExitWatch(envName, () -> context.runEnds().ended(envName));
        } catch (IOException e) {
            throw new IllegalStateException("env " + envName + ": cannot watch the local run folders for exits: "
                    + e.getMessage(), e);
        }
    }

    /** Before the run can end: so its exit is noticed the moment the wrapper writes it. */
    private void watch(RunFolder run) throws IOException {
        if (exits.isPresent()) {
            exits.get().watch(run.dir());
        }
    }

    @Override
    public String submit(SubmitRequest request) throws BackendException {
        JobRef job = request.job();
        String cmd = command(request);
        RunFolder run = folder(job, RunIds.forToken(request.token()));
        try {
            Files.createDirectories(run.dir());
            watch(run);
            Optional<RunFolder.Launch> earlier = run.readLaunch();
            if (earlier.isPresent()) {
                return alreadyLaunched(request, run, earlier.get());
            }
            run.writeScript(cmd);
            run.writeLaunch(new RunFolder.Launch(request.token(), context.clock().millis()));
        } catch (IOException e) {
            // every run needs the work folder: when it cannot be written, no local run can start
            if (isDiskFull(e)) {
                String where = e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile()
                        : run.dir().toString();
                throw BackendException.critical("job " + job.path() + " not started: no space left on device (ENOSPC)"
                        + " writing " + where + "; jobs stay in the backlog until the work disk has room", e);
            }
            throw BackendException.critical("job " + job.path() + ": cannot prepare local run " + run.runId() + " in "
                    + run.dir() + ": " + e.getMessage(), e);
        }
        try {
            Launcher.spawn(run, job);
        } catch (IOException e) {
            forgetLaunch(run, job);
            throw BackendException.critical("job " + job.path() + ": cannot start local run " + run.runId()
                    + " (is 'setsid' from util-linux on the PATH?): " + e.getMessage(), e);
        }
        LOG.debug("env {}: started local run {} for job {} in {}", envName, run.runId(), job.path(), run.dir());
        return run.runId();
    }

    /** ENOSPC, as the JDK reports it: a FileSystemException's reason or a plain write's IOException message. */
    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t instanceof FileSystemException fs ? fs.getReason() : t.getMessage();
            if (m != null && m.contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The environment's command, or for an item of a batch people drive (its params name the script the batches
     * capability wrote for it, {@code caravan_runner}: an absolute path) that script, run with bash.
     */
    private String command(SubmitRequest request) throws BackendException {
        Object runner = request.params().get(RUNNER_PARAM);
        if (runner == null) {
            return command.render(request.job(), request.params());
        }
        if (!(runner instanceof String path) || !Path.of(path).isAbsolute() || path.indexOf('\0') >= 0) {
            throw BackendException.badInput("job " + request.job().path() + ": params.json " + RUNNER_PARAM
                    + " must be the absolute path of the item's script");
        }
        return "bash " + ShellValues.quote(path);
    }

    /** The same token twice means the first answer was lost: hand back that run rather than start a second one. */
    private String alreadyLaunched(SubmitRequest request, RunFolder run, RunFolder.Launch earlier) throws BackendException {
        if (!earlier.token().equals(request.token())) {
            throw BackendException.badInput("job " + request.job().path() + ": local run id " + run.runId()
                    + " is already used by another submission (" + run.launchFile() + "); resubmit with a new token");
        }
        LOG.info("env {}: job {} was already submitted with this token as local run {}; not starting it again",
                envName, request.job().path(), run.runId());
        return run.runId();
    }

    /** A spawn that failed outright must not be reported as "found" by a later findSubmission. */
    private void forgetLaunch(RunFolder run, JobRef job) {
        try {
            run.deleteLaunch();
        } catch (IOException e) {
            LOG.warn("env {}: job {}: local run {} never started and its launch file {} could not be removed: {}",
                    envName, job.path(), run.runId(), run.launchFile(), e.getMessage());
        }
    }

    @Override
    public Optional<String> findSubmission(SubmitRequest request) throws BackendException {
        RunFolder run = folder(request.job(), RunIds.forToken(request.token()));
        try {
            Optional<RunFolder.Launch> launch = run.readLaunch().filter(l -> l.token().equals(request.token()));
            if (launch.isEmpty()) {
                return Optional.empty();
            }
            if (awaitWrapper(run, launch.get())) {
                return Optional.of(run.runId());
            }
            // killed between writing the launch file and spawning: the run never started, so it is not found and
            // the job is released again (else it would be recorded as submitted and fail 30 s later, never having run)
            run.deleteLaunch();
            LOG.info("env {}: job {}: local run {} was prepared but never started (the process that submitted it ended "
                    + "first)", envName, request.job().path(), run.runId());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BackendException.retryable("job " + request.job().path() + ": interrupted looking for local run "
                    + run.runId(), e);
        } catch (IOException e) {
            throw BackendException.retryable("job " + request.job().path() + ": cannot read local run " + run.runId()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, RunStatus> poll(Collection<RunHandle> runs) throws BackendException {
        Map<String, RunStatus> answers = new LinkedHashMap<>();
        for (RunHandle handle : runs) {
            answers.put(handle.runId(), status(handle));
        }
        return answers;
    }

    /**
     * A run still going is watched from here on (it may have been started by an earlier daemon), and looked at once
     * more: an exit written before the watch began is not missed.
     */
    private RunStatus status(RunHandle handle) throws BackendException {
        RunStatus st = look(handle);
        if (st.phase() != RunStatus.Phase.IN_FLIGHT || exits.isEmpty()) {
            return st;
        }
        RunFolder run = folder(handle.job(), handle.runId());
        try {
            watch(run);
            return ended(run).orElse(st);
        } catch (IOException e) {
            throw BackendException.retryable("job " + handle.job().path() + ": cannot watch local run " + handle.runId()
                    + " in " + run.dir() + ": " + e.getMessage(), e);
        }
    }

    private RunStatus look(RunHandle handle) throws BackendException {
        if (!RunIds.isLocalRunId(handle.runId())) {
            return RunStatus.unknown("'" + handle.runId() + "' is not a local run id");
        }
        RunFolder run = folder(handle.job(), handle.runId());
        try {
            Optional<RunStatus> ended = ended(run);
            if (ended.isPresent()) {
                return ended.get();
            }
            Optional<RunFolder.PidRecord> pid = run.readPid();
            if (pid.isPresent()) {
                if (ProcessProbe.isRunning(pid.get())) {
                    return RunStatus.inFlight("running, pid " + pid.get().pid());
                }
                // the wrapper may have written its exit status and ended between the two looks
                return ended(run).orElseGet(() -> RunStatus.failed("process vanished without exit status"
                        + tailSuffix(run)));
            }
            Optional<RunFolder.Launch> launch = run.readLaunch();
            if (launch.isEmpty()) {
                return RunStatus.unknown("no such local run");
            }
            long age = context.clock().millis() - launch.get().launchedMillis();
            if (age < SPAWN_GRACE.toMillis()) {
                return RunStatus.inFlight("starting");
            }
            return RunStatus.failed("process never started: launched " + age / 1000 + " s ago and wrote no pid file"
                    + " in " + run.dir());
        } catch (IOException e) {
            throw BackendException.retryable("job " + handle.job().path() + ": cannot read local run " + handle.runId()
                    + " in " + run.dir() + ": " + e.getMessage(), e);
        }
    }

    private static Optional<RunStatus> ended(RunFolder run) throws IOException {
        OptionalInt exit = run.readExit();
        if (exit.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> cancelled = run.readCancelled();
        if (cancelled.isPresent()) {
            return Optional.of(RunStatus.failed("cancelled: " + cancelled.get()));
        }
        int status = exit.getAsInt();
        if (status == 0) {
            return Optional.of(RunStatus.completed("exit 0"));
        }
        String tail = run.stderrTail(TAIL_LINES, TAIL_CHARS);
        return Optional.of(RunStatus.failed("exit " + status + (tail.isEmpty() ? "" : ": " + tail)));
    }

    private static String tailSuffix(RunFolder run) {
        String tail = run.stderrTail(TAIL_LINES, TAIL_CHARS);
        return tail.isEmpty() ? "" : "; stderr: " + tail;
    }

    /**
     * Records the reason first, so the wrapper does not start the command if it has not yet, then stops the
     * wrapper's whole process group (TERM, then KILL), and writes the exit status the killed wrapper could not.
     */
    @Override
    public void cancel(RunHandle handle, String reason) throws BackendException {
        String what = "job " + handle.job().path() + ": local run " + handle.runId();
        if (!RunIds.isLocalRunId(handle.runId())) {
            throw BackendException.badInput(what + " cannot be cancelled: not a local run id");
        }
        RunFolder run = folder(handle.job(), handle.runId());
        try {
            if (run.readExit().isPresent()) {
                LOG.info("env {}: {} already ended; nothing to cancel", envName, what);
                return;
            }
            if (run.readLaunch().isEmpty() && run.readPid().isEmpty()) {
                throw BackendException.badInput(what + " cannot be cancelled: no such local run in " + run.dir());
            }
            String text = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
            run.writeCancelled(text);
            Optional<RunFolder.PidRecord> pid = awaitPid(run);
            if (pid.isPresent() && ProcessProbe.isRunning(pid.get())) {
                stopGroup(pid.get());
            }
            if (run.readExit().isEmpty()) {
                run.writeExit(CANCELLED_STATUS);
            }
            LOG.info("env {}: cancelled {}: {}", envName, what, text);
        } catch (IOException e) {
            throw BackendException.retryable(what + " could not be cancelled: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BackendException.retryable(what + ": cancel was interrupted", e);
        }
    }

    /** A run launched a moment ago may not have written its pid yet; it will see the cancel file if it starts later. */
    /**
     * Whether the wrapper of a prepared run ever started: its first act is writing its pid file, so a run with neither
     * pid nor exit file {@link #NEVER_SPAWNED} after its launch was never spawned.
     */
    private boolean awaitWrapper(RunFolder run, RunFolder.Launch launch) throws IOException, InterruptedException {
        long age = context.clock().millis() - launch.launchedMillis();
        long deadline = System.nanoTime() + Math.max(0, NEVER_SPAWNED.toMillis() - age) * 1_000_000;
        while (true) {
            if (run.readPid().isPresent() || ended(run).isPresent()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(WAIT_STEP_MILLIS);
        }
    }

    private Optional<RunFolder.PidRecord> awaitPid(RunFolder run) throws IOException, InterruptedException {
        Optional<RunFolder.PidRecord> pid = run.readPid();
        long deadline = System.nanoTime() + TERM_GRACE.toNanos();
        while (pid.isEmpty() && System.nanoTime() < deadline && recentlyLaunched(run)) {
            Thread.sleep(WAIT_STEP_MILLIS);
            pid = run.readPid();
        }
        return pid;
    }

    private boolean recentlyLaunched(RunFolder run) throws IOException {
        return run.readLaunch()
                .map(l -> context.clock().millis() - l.launchedMillis() < SPAWN_GRACE.toMillis())
                .orElse(false);
    }

    /**
     * The group catches what the command started in the background; descendants (taken before the wrapper dies and
     * its children are re-parented) catch children that moved to a group of their own.
     */
    private static void stopGroup(RunFolder.PidRecord pid) throws InterruptedException {
        long pgid = pid.pid();
        List<ProcessHandle> descendants = ProcessHandle.of(pgid).map(h -> h.descendants().toList()).orElse(List.of());
        ProcessProbe.signalGroup(pgid, "TERM");
        descendants.forEach(ProcessHandle::destroy);
        if (awaitGroupGone(pgid, descendants, TERM_GRACE)) {
            return;
        }
        ProcessProbe.signalGroup(pgid, "KILL");
        descendants.forEach(ProcessHandle::destroyForcibly);
        awaitGroupGone(pgid, descendants, TERM_GRACE);
    }

    private static boolean awaitGroupGone(long pgid, Collection<ProcessHandle> descendants, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            boolean alive = ProcessProbe.groupAlive(pgid) || descendants.stream().anyMatch(LocalBackend::stillRunning);
            if (!alive) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(WAIT_STEP_MILLIS);
        }
    }

    private static boolean stillRunning(ProcessHandle h) {
        if (ProcessProbe.hasProc()) {
            return ProcessProbe.stat(h.pid()).map(s -> !s.isDead()).orElse(false);
        }
        return h.isAlive();
    }

    @Override
    public Optional<String> healthProblem() {
        Path workDir = context.workDir();
        try {
            Files.createDirectories(workDir);
            Path probe = Files.createTempFile(workDir, ".health", ".tmp");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            return Optional.of("env " + envName + ": local work folder " + workDir + " is not writable ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (!onPath("setsid")) {
            return Optional.of("env " + envName + ": 'setsid' (util-linux) is not on the PATH; local runs cannot start");
        }
        return Optional.empty();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        exits.ifPresent(ExitWatch::close);
    }

    /** Removes the job's work folder, every run of it. */
    @Override
    public void discard(JobRef job) throws BackendException {
        Path dir = folder(job, "").dir();
        try {
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new BackendException("env " + envName + ": cannot remove the work folder " + dir + " of " + job
                    + ": " + e.getMessage(), e);
        }
    }

    private RunFolder folder(JobRef job, String runId) {
        return new RunFolder(context.workDir(), job, runId);
    }
}
