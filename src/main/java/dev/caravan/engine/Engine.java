package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.BackendFactory;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.SubmitRequest;
import dev.caravan.config.CaravanSettings;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.model.RunMarker;
import dev.caravan.model.RunStatus;
import dev.caravan.model.State;
import dev.caravan.model.Transition;
import dev.caravan.report.PushSummary;
import dev.caravan.report.StateReport;
import dev.caravan.scheduling.BatchBarrier;
import dev.caravan.scheduling.Chains;
import dev.caravan.scheduling.GateDecision;
import dev.caravan.scheduling.Gates;
import dev.caravan.scheduling.PushPolicy;
import dev.caravan.scheduling.ReleasePlanner;
import dev.caravan.tracking.DemoSeeder;
import dev.caravan.tracking.GitRepo;
import dev.caravan.tracking.Intent;
import dev.caravan.tracking.Journal;
import dev.caravan.tracking.MergeOutcome;
import dev.caravan.tracking.ScanResult;
import dev.caravan.tracking.TrackingTree;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.transport.PushResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What the routes call: each public method is one step of a cycle, returning the notifications it
 * produced for the route to send on. It ties the parts together (tracking tree, Git, backends,
 * scheduling rules, reports) and keeps the order that makes crashes safe: intent, submit, marker, move.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final int MAX_LISTED = 30;

    private final CaravanSettings settings;
    private final GitRepo git;
    private final TrackingTree tree;
    private final Journal journal;
    private final Map<String, Backend> backends;
    private final ReleasePlanner planner;
    private final PushPolicy pushPolicy;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> envProblems = new ConcurrentHashMap<>();
    private final Map<String, List<String>> refusals = new LinkedHashMap<>();
    private final Map<String, List<String>> criticals = new LinkedHashMap<>();
    private final Map<String, Integer> released = new LinkedHashMap<>();
    /** Environments whose backend failed critically in this cycle: they release nothing more. */
    private final Set<String> blocked = ConcurrentHashMap.newKeySet();

    private ObjectId indexedHead;
    private boolean firstCycle = true;
    private boolean pendingCommit;
    private boolean pushNow;
    private volatile Instant lastCycleEnd;
    private long cycleStart;
    private int cycleMoves;
    private volatile String lastCycleProblem;

    private Engine(CaravanSettings settings, GitRepo git, TrackingTree tree, Journal journal,
                   Map<String, Backend> backends, Clock clock) {
        this.settings = settings;
        this.git = git;
        this.tree = tree;
        this.journal = journal;
        this.backends = backends;
        this.clock = clock;
        this.planner = new ReleasePlanner(settings.groupsPriority(), settings.groupsExclude());
        this.pushPolicy = new PushPolicy(settings.pushInterval());
    }

    /** Opens (or clones, or seeds) the tracking repo and reads the tree; touches nothing in it. */
    public static Engine open(CaravanSettings s, Map<String, BackendFactory> factories, Clock clock) {
        s.trackingSeed().ifPresent(seed -> {
            if (DemoSeeder.seedIfMissing(s.trackingRemote(), seed, s.adminBranch())) {
                LOG.info("Made the demo remote {} from {}", s.trackingRemote(), seed);
            }
        });
        GitRepo git = GitRepo.open(s.trackingDir(), s.trackingRemote(), s.trackingBranch(), s.adminBranch());
        Journal journal = new Journal(git.caravanDir());
        TrackingTree tree = new TrackingTree(s.trackingDir(), Optional.of(journal.dirtyMarker()));
        Map<String, Backend> backends = new LinkedHashMap<>();
        BackendContext ctx = new BackendContext(s.workDir().toAbsolutePath(), clock);
        s.environments().forEach((name, env) -> backends.put(name, factories.get(env.backend()).create(env, ctx)));
        Engine e = new Engine(s, git, tree, journal, backends, clock);
        e.reload();
        return e;
    }

    private List<Notification> reload() {
        ScanResult r = tree.load();
        indexedHead = git.head().orElse(null);
        r.warnings().forEach(w -> LOG.warn("{}", w));
        LOG.info("Tracking tree {}: {} jobs indexed, {} held back", tree.root(), r.index().size(), r.index().held().size());
        if (r.warnings().isEmpty()) {
            return List.of();
        }
        return List.of(Notification.warning(listing(r.warnings().size() + " problems in the tracking tree (jobs left where they are)",
                r.warnings())));
    }

    public TrackingTree tree() {
        return tree;
    }

    public GitRepo git() {
        return git;
    }

    public Journal journal() {
        return journal;
    }

    public List<String> environmentNames() {
        return List.copyOf(settings.environments().keySet());
    }

    // --- the cycle, step by step ----------------------------------------------------------------

    /**
     * Before any environment: finish what a crash left unstaged, bring in the admin branch (ICGC's rule),
     * and re-read the tree when someone else changed it. A merge conflict propagates and stops the cycle.
     */
    public synchronized List<Notification> beginCycle() {
        cycleStart = System.nanoTime();
        cycleMoves = 0;
        blocked.clear();
        List<Notification> out = new ArrayList<>();
        boolean reread = false;
        if (Files.exists(journal.dirtyMarker())) {
            Set<String> staged = git.stageUncommitted(TrackingTree.JOBS);
            LOG.warn("Recovered {} unstaged paths left by an interrupted cycle", staged.size());
            clearDirty();
            pendingCommit |= !staged.isEmpty();
            reread = true;
        }
        if (firstCycle) {
            pendingCommit |= git.indexDiffersFromHead();
            firstCycle = false;
        }
        Map<JobRef, Journal.Watch> flying = inFlightEverywhere();
        MergeOutcome m = git.mergeAdmin();
        switch (m.kind()) {
            case MERGED -> LOG.info("Merged {} into {}: {}", settings.adminBranch(), settings.trackingBranch(), m.detail());
            case WAITING -> LOG.info("Not merging yet: {}", m.detail());
            default -> LOG.debug("Admin branch: {}", m.detail());
        }
        if (reread || m.changedTree() || !Objects.equals(git.head().orElse(null), indexedHead)) {
            out.addAll(reload());
            out.addAll(followMovedRuns(flying));
        }
        return out;
    }

    private Map<JobRef, Journal.Watch> inFlightEverywhere() {
        Map<JobRef, Journal.Watch> out = new LinkedHashMap<>();
        for (String env : settings.environments().keySet()) {
            for (Job j : tree.index().inFlight(env)) {
                out.put(j.ref(), new Journal.Watch(j.ref(), env, j.newestRun().orElseThrow().runId()));
            }
        }
        return out;
    }

    /**
     * A job an operator moved out of {@code queued} while its run was going: the run is followed to its
     * end (and reported), and the job is not released again meanwhile, so no run is lost or doubled.
     */
    private List<Notification> followMovedRuns(Map<JobRef, Journal.Watch> before) {
        List<Journal.Watch> watches = new ArrayList<>(journal.watches());
        List<String> moved = new ArrayList<>();
        for (Journal.Watch w : before.values()) {
            Optional<Job> now = tree.index().get(w.job());
            boolean stillFlying = now.isPresent() && now.get().inFlightOn(w.env())
                    && now.get().newestRun().map(r -> r.runId().equals(w.runId())).orElse(false);
            if (!stillFlying && watches.stream().noneMatch(x -> x.equals(w))) {
                watches.add(w);
                moved.add(w.job() + " (run " + w.runId() + " on " + w.env() + ") now "
                        + now.map(j -> "in " + j.state()).orElse("gone from the tree"));
            }
        }
        if (moved.isEmpty()) {
            return List.of();
        }
        journal.saveWatches(watches);
        return List.of(Notification.warning(listing(moved.size() + " jobs were moved out of queued by an operator while"
                + " their runs were going; each run is followed to its end and the job is not released again until then",
                moved)));
    }


    /** Settles submissions a crash interrupted: found on the backend → recorded; never seen → forgotten. */
    public synchronized List<Notification> reconcile(String env) {
        List<Notification> out = new ArrayList<>();
        List<Transition> moved = new ArrayList<>();
        Backend backend = backend(env);
        for (Intent intent : journal.intents()) {
            if (!intent.env().equals(env)) {
                continue;
            }
            Optional<Job> job = tree.index().get(intent.job());
            if (job.isEmpty()) {
                journal.clearIntent(intent.job());
                out.add(Notification.warning("submit intent for " + intent.job() + " on " + env
                        + " names a job that is no longer in the tree; dropped"));
                continue;
            }
            Optional<String> runId;
            try {
                runId = backend.findSubmission(request(job.get(), Map.of(), intent.token(), intent.attempt()));
            } catch (BackendException e) {
                out.add(trouble(env, e, "cannot tell whether " + intent.job() + " reached " + env
                        + " (will ask again next cycle; the job is not released meanwhile)"));
                if (e.isCritical()) {
                    break;
                }
                continue;
            }
            if (runId.isEmpty()) {
                journal.clearIntent(intent.job());
                LOG.info("Submission of {} to {} never reached the backend; it will be released again", intent.job(), env);
                continue;
            }
            Job j = job.get();
            String id = runId.get();
            if (j.runs().stream().noneMatch(r -> r.runId().equals(id))) {
                tree.addMarker(j.ref(), new RunMarker(intent.epoch(), env, id));
            }
            if (j.state().equals(State.BACKLOG)) {
                moved.add(tree.move(j.ref(), State.QUEUED, "submitted as " + id + " (recovered)"));
            }
            journal.clearIntent(intent.job());
            LOG.info("Recovered the submission of {} to {} as run {}", intent.job(), env, id);
        }
        recordMoves(moved);
        return out;
    }

    /** Asks the backend about every job in flight on {@code env} and moves the finished ones. */
    public synchronized List<Notification> poll(String env) {
        List<Notification> out = new ArrayList<>();
        Backend backend = backend(env);
        List<Job> inFlight = tree.index().inFlight(env);
        List<Journal.Watch> watches = journal.watches().stream().filter(w -> w.env().equals(env)).toList();
        List<RunHandle> all = new ArrayList<>();
        inFlight.forEach(j -> all.add(new RunHandle(j.ref(), j.newestRun().orElseThrow().runId())));
        watches.forEach(w -> all.add(new RunHandle(w.job(), w.runId())));
        Map<String, RunStatus> statuses = new LinkedHashMap<>();
        int batch = Math.max(1, backend.pollBatchSize());
        try {
            for (int i = 0; i < all.size(); i += batch) {
                statuses.putAll(backend.poll(all.subList(i, Math.min(all.size(), i + batch))));
            }
            envProblems.remove(env);
        } catch (BackendException e) {
            envProblems.put(env, e.getMessage());
            out.add(trouble(env, e, "cannot poll " + env + " (no job moved, will ask again next cycle)"));
            return out;
        }
        List<Transition> moved = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Job j : inFlight) {
            String runId = j.newestRun().orElseThrow().runId();
            RunStatus st = statuses.getOrDefault(runId, RunStatus.unknown("no answer for this run"));
            switch (st.phase()) {
                case COMPLETED -> moved.add(tree.move(j.ref(), State.COMPLETED, st.detail()));
                case FAILED -> {
                    moved.add(tree.move(j.ref(), State.FAILED, st.detail()));
                    failures.add(j.ref() + " (run " + runId + "): " + oneLine(st.detail()));
                }
                case UNKNOWN -> unknown.add(j.ref() + " (run " + runId + "): " + oneLine(st.detail()));
                default -> {
                }
            }
        }
        recordMoves(moved);
        out.addAll(endWatches(env, watches, statuses));
        if (!failures.isEmpty()) {
            out.add(Notification.warning(listing(failures.size() + " jobs failed on " + env, failures)));
        }
        if (!unknown.isEmpty()) {
            out.add(Notification.warning(listing(unknown.size() + " runs unknown to " + env + " (jobs stay in queued)",
                    unknown)));
        }
        return out;
    }

    private List<Notification> endWatches(String env, List<Journal.Watch> watches, Map<String, RunStatus> statuses) {
        List<String> ended = new ArrayList<>();
        List<Journal.Watch> keep = new ArrayList<>(journal.watches());
        for (Journal.Watch w : watches) {
            RunStatus st = statuses.get(w.runId());
            if (st != null && (st.isFinished() || st.phase() == RunStatus.Phase.UNKNOWN)) {
                keep.remove(w);
                ended.add(w.job() + " (run " + w.runId() + "): " + st.phase().name().toLowerCase() + " "
                        + oneLine(st.detail()) + "; the job stays where the operator put it");
            }
        }
        if (ended.isEmpty()) {
            return List.of();
        }
        journal.saveWatches(keep);
        return List.of(Notification.warning(listing(ended.size() + " runs of jobs moved by an operator ended on " + env,
                ended)));
    }

    /** Pause flag, excessive-failure flag, failure threshold; writes the flag when the threshold is reached. */
    public synchronized GateDecision gates(String env) {
        if (blocked.contains(env)) {
            return new GateDecision(false, List.of(), Optional.empty()); // already reported CRITICAL
        }
        Environment e = settings.environments().get(env);
        GateDecision d = Gates.evaluate(env, tree.isPaused(env), tree.hasExcessiveFailureFlag(env),
                e.excessiveFailureThreshold(), journal.transitionsSincePush());
        d.flagText().ifPresent(text -> {
            tree.writeExcessiveFailureFlag(env, text);
            pushNow = true;
        });
        return d;
    }

    /**
     * Picks the backlog jobs for the free slots of {@code env}; the route then hands each to
     * {@link #submit} through the environment's throttle.
     */
    public synchronized List<List<Release>> planRelease(String env) {
        Environment e = settings.environments().get(env);
        List<Job> inFlight = tree.index().inFlight(env);
        int slots = e.maxParallelRuns() - inFlight.size();
        Set<JobRef> pending = journal.intents().stream().map(Intent::job).collect(Collectors.toSet());
        Set<JobRef> watching = journal.watches().stream().map(Journal.Watch::job).collect(Collectors.toSet());
        List<Job> backlog = tree.index().inState(State.BACKLOG);
        Optional<String> barrier = CaravanSettings.batchBarrier(e)
                ? BatchBarrier.currentBatch(inFlight, backlog, env) : Optional.empty();
        List<Job> picks = planner.pick(backlog, env, slots,
                j -> !tree.index().isHeld(j.ref()) && !pending.contains(j.ref()) && !watching.contains(j.ref())
                        && barrier.map(b -> b.equals(j.ref().batch())).orElse(true)
                        && (j.after().isEmpty() || Chains.releasable(j, env, backend(env).chainsRuns(), tree.index()::get)));
        Set<JobRef> waiting = backlog.stream().map(Job::ref).collect(Collectors.toSet());
        List<List<Release>> out = new ArrayList<>();
        for (List<Job> chain : Chains.group(picks, waiting)) {
            List<Release> rs = new ArrayList<>(chain.size());
            for (Job job : chain) {
                try {
                    rs.add(new Release(job.ref(), tree.readParams(job)));
                } catch (BadInputException ex) {
                    refusals.computeIfAbsent(env, k -> new ArrayList<>()).add(ex.getMessage());
                    break; // the rest of the chain runs after this one
                }
            }
            if (!rs.isEmpty()) {
                out.add(rs);
            }
        }
        return out;
    }

    /**
     * Submits one job: intent first (durable), then the backend, then marker and move, then the intent
     * is cleared. The backend call runs outside the engine's lock so that submissions can overlap.
     */
    public boolean submit(String env, Release r) {
        Backend backend = backend(env);
        Job job;
        String token;
        long epoch;
        List<String> dependsOn = new ArrayList<>();
        if (blocked.contains(env)) {
            return false;
        }
        synchronized (this) {
            Optional<Job> j = tree.index().get(r.job());
            if (j.isEmpty() || !j.get().state().equals(State.BACKLOG)) {
                return false; // moved by a merge since it was planned
            }
            job = j.get();
            for (JobRef p : job.afterRefs()) {
                Optional<Job> pred = tree.index().get(p);
                if (pred.isPresent() && pred.get().inFlightOn(env)) {
                    dependsOn.add(pred.get().newestRun().orElseThrow().runId());
                } else if (pred.isEmpty() || !pred.get().state().equals(State.COMPLETED)) {
                    refusals.computeIfAbsent(env, k -> new ArrayList<>()).add(job.ref() + ": runs after " + p
                            + ", which was not submitted");
                    return false;
                }
            }
            token = job.ref().path() + "#" + (job.runs().size() + 1) + "-" + nonce();
            epoch = now().getEpochSecond();
        }
        // durable before the backend hears of it; one file per job, so no lock is needed around the fsync
        journal.recordIntent(new Intent(job.ref(), env, token, job.runs().size() + 1, epoch));
        String runId;
        try {
            runId = backend.submit(new SubmitRequest(job.ref(), r.params(), token, job.runs().size() + 1,
                    job.newestRun(), dependsOn));
        } catch (BackendException | RuntimeException ex) {
            // The intent stays: next cycle asks the backend whether the run exists before anything else.
            synchronized (this) {
                if (ex instanceof BackendException be && be.isCritical()) {
                    if (blocked.add(env)) {
                        criticals.computeIfAbsent(env, k -> new ArrayList<>()).add(be.getMessage());
                    }
                } else {
                    refusals.computeIfAbsent(env, k -> new ArrayList<>()).add(job.ref() + ": " + ex.getMessage());
                }
            }
            return false;
        }
        FaultPoints.afterSubmit(job.ref().path());
        synchronized (this) {
            tree.addMarker(job.ref(), new RunMarker(epoch, env, runId));
            recordMoves(List.of(tree.move(job.ref(), State.QUEUED, "submitted as " + runId)));
            journal.clearIntent(job.ref());
            released.merge(env, 1, Integer::sum);
        }
        return true;
    }

    /** After the last submission of a release: one line of log, one WARNING listing what was refused. */
    public synchronized List<Notification> releaseDone(String env) {
        int n = released.getOrDefault(env, 0);
        released.remove(env);
        if (n > 0) {
            LOG.info("Released {} jobs on {}", n, env);
        }
        List<Notification> out = new ArrayList<>();
        List<String> critical = criticals.remove(env);
        if (critical != null) {
            out.add(Notification.critical("environment " + env + " stopped releasing in this cycle: "
                    + String.join("; ", critical)));
        }
        List<String> refused = refusals.remove(env);
        if (refused != null && !refused.isEmpty()) {
            out.add(Notification.warning(listing(refused.size() + " jobs not submitted to " + env
                    + " (left in backlog)", refused)));
        }
        return out;
    }

    /** Stages exactly what this cycle touched; true when there is something to commit. */
    public synchronized boolean stageForCommit() {
        Set<String> touched = tree.takeTouched();
        git.stage(touched);
        clearDirty();
        pendingCommit |= !touched.isEmpty();
        return pendingCommit;
    }

    public synchronized void committed() {
        pendingCommit = false;
        indexedHead = git.head().orElse(null);
    }

    public synchronized boolean pushDue() {
        return pushPolicy.isDue(journal.lastPush().map(Instant::ofEpochMilli), now(), pushNow);
    }

    public boolean hasRemote() {
        return git.hasRemote();
    }

    /** False on a local-only tree: there is nowhere to push, but the push interval still brings a summary. */
    public boolean hasUnpushedCommits() {
        return git.hasRemote() && git.hasUnpushedCommits();
    }

    public void checkPush(Iterable<PushResult> results) {
        GitRepo.checkPushResults(results);
    }

    /** After a rejected push: merge what others pushed to the scheduler branch, then the route retries. */
    public synchronized List<Notification> catchUpRemote() {
        MergeOutcome m = git.catchUpRemoteBranch();
        LOG.warn("Push was rejected; merged the remote scheduler branch: {}", m.detail());
        return m.changedTree() ? reload() : List.of();
    }

    /** After a push (or the push interval on a local-only tree): the Slack summary, and a fresh count. */
    public synchronized List<Notification> pushed() {
        String text = PushSummary.render(journal.transitionsSincePush(), tree.index().counts());
        journal.pushed(now().toEpochMilli());
        pushNow = false;
        return List.of(Notification.info(text));
    }

    public synchronized void cycleSucceeded() {
        lastCycleEnd = now();
        lastCycleProblem = null;
        LOG.info("Cycle done in {} ms: {} jobs moved, {} indexed", (System.nanoTime() - cycleStart) / 1_000_000,
                cycleMoves, tree.index().size());
    }

    /** The cycle stopped (merge conflict, push refused twice, Git or disk trouble): CRITICAL, nothing lost. */
    public synchronized List<Notification> cycleFailed(Exception e) {
        lastCycleEnd = now();
        lastCycleProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.error("Cycle stopped", e);
        return List.of(Notification.critical("cycle stopped: " + lastCycleProblem));
    }

    /** One environment's step failed; the others go on. */
    public List<Notification> environmentFailed(String env, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        envProblems.put(env, why);
        LOG.error("Cycle of environment {} stopped", env, e);
        return List.of(Notification.critical("cycle of environment " + env + " stopped: " + why));
    }

    public synchronized String report() {
        return StateReport.render(tree.index().counts());
    }

    // --- health ----------------------------------------------------------------------------------

    public Optional<String> trackingProblem() {
        if (!Files.isDirectory(tree.root().resolve(".git"))) {
            return Optional.of("tracking repo " + tree.root() + " is missing");
        }
        return Optional.ofNullable(lastCycleProblem);
    }

    public Optional<String> environmentProblem(String env) {
        String p = envProblems.get(env);
        return p != null ? Optional.of(p) : backend(env).healthProblem();
    }

    public Optional<Instant> lastCycleEnd() {
        return Optional.ofNullable(lastCycleEnd);
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** A backend failure as a notification: CRITICAL (and no releases this cycle) when the backend says so. */
    private Notification trouble(String env, BackendException e, String what) {
        if (e.isCritical()) {
            blocked.add(env);
            return Notification.critical(what + "; " + env + " releases nothing this cycle: " + e.getMessage());
        }
        return Notification.warning(what + ": " + e.getMessage());
    }

    private void recordMoves(List<Transition> moved) {
        journal.recordTransitions(moved, now().getEpochSecond());
        cycleMoves += moved.size();
    }

    private Backend backend(String env) {
        Backend b = backends.get(env);
        if (b == null) {
            throw new IllegalArgumentException("no environment named '" + env + "'");
        }
        return b;
    }

    private static SubmitRequest request(Job job, Map<String, Object> params, String token, int attempt) {
        return new SubmitRequest(job.ref(), params, token, attempt, job.newestRun());
    }

    private String nonce() {
        byte[] b = new byte[4];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private Instant now() {
        return clock.instant();
    }

    private void clearDirty() {
        try {
            Files.deleteIfExists(journal.dirtyMarker());
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + journal.dirtyMarker(), e);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').strip();
    }

    private static String listing(String title, List<String> items) {
        StringBuilder sb = new StringBuilder(title).append(':');
        items.stream().limit(MAX_LISTED).forEach(i -> sb.append("\n• ").append(i));
        if (items.size() > MAX_LISTED) {
            sb.append("\n… and ").append(items.size() - MAX_LISTED).append(" more");
        }
        return sb.toString();
    }

    // --- planned work: jobs a planner adds while the daemon runs (NACC center batches) ----------

    /**
     * Adds planned backlog jobs ({@code params.json} bytes per job) and their batch files
     * ({@code "group/batch/name"} → content) to the tree and stages them at once; the next cycle commits
     * them and releases them through the environment's gates. All or nothing: when any of the jobs is in
     * the tree already (in any state), nothing is written.
     */
    public synchronized void addPlannedJobs(Map<JobRef, byte[]> jobs, Map<String, String> batchFiles) {
        for (JobRef ref : jobs.keySet()) {
            boolean onDisk = State.KNOWN.stream().anyMatch(st -> Files.exists(tree.jobsDir().resolve(ref.group())
                    .resolve(ref.batch()).resolve(st.name()).resolve(ref.jobId())));
            if (onDisk || tree.index().get(ref).isPresent()) {
                throw new BadInputException("job " + ref + " is in the tracking tree already; no planned job was added");
            }
        }
        jobs.forEach((ref, params) -> tree.addJob(ref, State.BACKLOG, params));
        batchFiles.forEach((path, content) -> {
            String[] p = path.split("/", 3);
            tree.writeBatchFile(p[0], p[1], p[2], content);
        });
        stagePlanned();
        LOG.info("Added {} planned backlog jobs", jobs.size());
    }

    /**
     * Moves failed jobs back to backlog for one more try and stages the moves at once; the next cycle
     * releases them to the environment of their newest run. Jobs no longer in {@code failed} are left alone.
     */
    public synchronized List<JobRef> retryFailed(java.util.Collection<JobRef> jobs, String reason) {
        List<Transition> moved = new ArrayList<>();
        for (JobRef ref : jobs) {
            Optional<Job> j = tree.index().get(ref);
            if (j.isPresent() && j.get().state().equals(State.FAILED) && !tree.index().isHeld(ref)) {
                moved.add(tree.move(ref, State.BACKLOG, reason));
            }
        }
        recordMoves(moved);
        stagePlanned();
        return moved.stream().map(Transition::ref).toList();
    }

    /** Reads the tree under the engine's lock: cycles change the index as they go. */
    public synchronized <T> T inspect(java.util.function.Function<TrackingTree, T> reader) {
        return reader.apply(tree);
    }

    private void stagePlanned() {
        Set<String> touched = tree.takeTouched();
        git.stage(touched);
        clearDirty();
        pendingCommit |= !touched.isEmpty();
    }

    @Override
    public void close() {
        backends.values().forEach(Backend::close);
        git.close();
    }
}
