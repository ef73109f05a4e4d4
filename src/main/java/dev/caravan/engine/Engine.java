package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.model.Notification;
import dev.caravan.report.StateReport;
import dev.caravan.scheduling.GateDecision;
import dev.caravan.tracking.DemoSeeder;
import dev.caravan.tracking.GitRepo;
import dev.caravan.tracking.Journal;
import dev.caravan.tracking.TrackingTree;
import dev.caravan.tracking.TreeView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the routes call: each public method is one step of a cycle, returning values (the notifications it
 * produced, a release plan, a submission's outcome) for the route to send on or hand to the next step, so no step
 * depends on another having filled something in. The steps themselves live beside it: {@link RepoSteps} (merge,
 * stage, push), {@link RunFollowing} (poll), {@link Releases} (gates, intents, submissions), and {@link Intake}, the
 * one way capabilities change the tree. This class holds the lock they share and the cycle's outcome for health
 * checks. It exposes no JGit or Camel type.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final CycleContext ctx;
    private final RunFollowing runs;
    private final Releases releases;
    private final RepoSteps repo;
    private final Intake intake;
    private volatile Instant lastCycleEnd;
    private volatile String lastCycleProblem;

    private Engine(CycleContext ctx) {
        this.ctx = ctx;
        this.runs = new RunFollowing(ctx);
        this.releases = new Releases(ctx);
        this.repo = new RepoSteps(ctx, runs);
        this.intake = new Intake(ctx);
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
        BackendContext bc = new BackendContext(s.workDir().toAbsolutePath(), clock);
        s.environments().forEach((name, env) -> backends.put(name, factories.get(env.backend()).create(env, bc)));
        CycleContext ctx = new CycleContext(s, git, tree, journal, backends, clock);
        ctx.reload();
        return new Engine(ctx);
    }

    /** The one way jobs are added, sent back to the backlog, aborted or deleted. */
    public Intake intake() {
        return intake;
    }

    /** The tracking clone. */
    public Path trackingDir() {
        return ctx.tree.root();
    }

    /**
     * Where capabilities keep what they remember beside the tree and never commit ({@code .git/caravan}, beside the
     * submit intents): a clone is the whole state, and what is here survives a restart.
     */
    public Path stateDir() {
        return ctx.journal.dir();
    }

    /** The environments a cycle goes through: all of them, or only {@code only} when it is given (one-shot commands). */
    public List<String> environmentNames(String only) {
        if (only == null || only.isBlank()) {
            return List.copyOf(ctx.settings.environments().keySet());
        }
        ctx.backend(only);
        return List.of(only);
    }

    // --- the cycle, step by step (routes/cycle.camel.yaml and git.camel.yaml) ---------------------

    public List<Notification> beginCycle() {
        synchronized (ctx) {
            ctx.cycleStart = System.nanoTime();
            ctx.cycleMoves = 0;
            ctx.blocked.clear();
            return repo.beginCycle();
        }
    }

    public List<Notification> reconcile(String env) {
        synchronized (ctx) {
            return releases.reconcile(env);
        }
    }

    public List<Notification> poll(String env) {
        synchronized (ctx) {
            return runs.poll(env);
        }
    }

    public GateDecision gates(String env) {
        synchronized (ctx) {
            return releases.gates(env);
        }
    }

    /** The jobs for the free slots, as chains; the route hands each to {@link #submit} through the throttle. */
    public ReleasePlan planRelease(String env) {
        synchronized (ctx) {
            return releases.plan(env);
        }
    }

    /** Takes the lock itself, and not around the backend call, so submissions overlap. */
    public SubmitOutcome submit(String env, Release r) {
        return releases.submit(env, r);
    }

    /**
     * After the plan's submissions: the log line and the notifications of what they came to. The route hands over
     * every outcome its split collected; anything else in the list is ignored.
     */
    public List<Notification> releaseDone(ReleasePlan plan, List<?> outcomes) {
        List<SubmitOutcome> all = outcomes.stream().filter(SubmitOutcome.class::isInstance)
                .map(SubmitOutcome.class::cast).toList();
        synchronized (ctx) {
            return releases.done(plan, all);
        }
    }

    /**
     * {@link #planRelease}, {@link #submit} and {@link #releaseDone} in this thread, without the route's
     * throttle: for tools and benchmarks that drive the steps by hand.
     */
    public List<Notification> release(String env) {
        ReleasePlan plan = planRelease(env);
        List<SubmitOutcome> outcomes = new ArrayList<>();
        for (List<Release> chain : plan.chains()) {
            for (Release r : chain) {
                outcomes.add(submit(env, r));
            }
        }
        return releaseDone(plan, outcomes);
    }

    /** Stages what the cycle touched; true when anything (the cycle's or an intake's) waits for a commit. */
    public boolean stageForCommit() {
        synchronized (ctx) {
            return repo.stageForCommit();
        }
    }

    /** The message of the commit of what is staged: an intake's own when only it staged, else the cycle's. */
    public String commitMessage() {
        synchronized (ctx) {
            return repo.commitMessage();
        }
    }

    public void committed() {
        synchronized (ctx) {
            repo.committed();
        }
    }

    public boolean pushDue() {
        synchronized (ctx) {
            return repo.pushDue();
        }
    }

    /** False on a local-only tree: there is nowhere to push, but the push interval still brings a summary. */
    public boolean hasUnpushedCommits() {
        return ctx.git.hasRemote() && ctx.git.hasUnpushedCommits();
    }

    public List<Notification> catchUpRemote() {
        synchronized (ctx) {
            return repo.catchUpRemote();
        }
    }

    public List<Notification> pushed() {
        synchronized (ctx) {
            return repo.pushed();
        }
    }

    public void cycleSucceeded() {
        synchronized (ctx) {
            lastCycleEnd = ctx.now();
            lastCycleProblem = null;
            ctx.figures.cycle(System.nanoTime() - ctx.cycleStart);
            LOG.info("Cycle done in {} ms: {} jobs moved, {} indexed", (System.nanoTime() - ctx.cycleStart) / 1_000_000,
                    ctx.cycleMoves, ctx.tree.index().size());
        }
    }

    /** The cycle stopped (merge conflict, push refused twice, Git or disk trouble): CRITICAL, nothing lost. */
    public List<Notification> cycleFailed(Exception e) {
        lastCycleEnd = ctx.now();
        lastCycleProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.error("Cycle stopped", e);
        return List.of(Notification.critical("cycle stopped: " + lastCycleProblem));
    }

    /** One environment's step failed; the others go on. */
    public List<Notification> environmentFailed(String env, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ctx.envProblems.put(env, why);
        LOG.error("Cycle of environment {} stopped", env, e);
        return List.of(Notification.critical("cycle of environment " + env + " stopped: " + why));
    }

    public String report() {
        synchronized (ctx) {
            return StateReport.render(ctx.tree.index().counts());
        }
    }

    /** Reads the tree under the engine's lock: cycles change the index as they go. */
    public <T> T inspect(Function<TreeView, T> reader) {
        return intake.read(reader);
    }

    // --- health ----------------------------------------------------------------------------------

    public Optional<String> trackingProblem() {
        if (!Files.isDirectory(ctx.tree.root().resolve(".git"))) {
            return Optional.of("tracking repo " + ctx.tree.root() + " is missing");
        }
        return Optional.ofNullable(lastCycleProblem);
    }

    public Optional<String> environmentProblem(String env) {
        String p = ctx.envProblems.get(env);
        return p != null ? Optional.of(p) : ctx.backend(env).healthProblem();
    }

    public Optional<Instant> lastCycleEnd() {
        return Optional.ofNullable(lastCycleEnd);
    }

    /** Running totals since start, for metrics. */
    public Figures figures() {
        return ctx.figures;
    }

    /** What may stop releases on {@code env} now, for health: the operator's pause, the flag, the batch barrier. */
    public EnvironmentGates gatesOf(String env) {
        synchronized (ctx) {
            return releases.gatesOf(env);
        }
    }

    @Override
    public void close() {
        ctx.backends.values().forEach(Backend::close);
        ctx.git.close();
    }
}
