package dev.caravan.nacc;

import dev.caravan.engine.Engine;
import dev.caravan.engine.Intake;
import dev.caravan.engine.IntakeOutcome;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import dev.caravan.tracking.TreeView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * NACC center batches, as the routes run them (routes/nacc.camel.yaml through its {@code nacc} bean):
 * <ul>
 *   <li>{@link #plan()}: plans a run on Flywheel and adds its jobs to the tree as backlog batches through the engine's
 *   intake ({@code dry-run}: only says what it would do). The cycles release them, batch by batch.</li>
 *   <li>{@link #watch()}: for every open run, "still running" lines, the one retry of failed jobs, and the final
 *   CRITICAL or INFO.</li>
 * </ul>
 * Every outcome is a notification for the route to send on.
 */
public final class NaccService {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.nacc");

    private final ReentrantLock planning = new ReentrantLock();
    private final NaccSettings settings;
    private final Engine engine;
    private final Supplier<FlywheelView> flywheel;
    private final Clock clock;

    /** @param flywheel Flywheel, asked only when a plan is made */
    public NaccService(NaccSettings settings, Engine engine, Supplier<FlywheelView> flywheel, Clock clock) {
        this.settings = settings;
        this.engine = engine;
        this.flywheel = flywheel;
        this.clock = clock;
    }

    // --- plan --------------------------------------------------------------------------------

    /** Plans one run; a dry run only describes it. Every outcome is a notification for direct:notify-all. */
    public List<Notification> plan() {
        if (!planning.tryLock()) {
            return List.of(Notification.warning("NACC: a plan is being made already; this trigger is skipped"));
        }
        try {
            return planLocked();
        } catch (RuntimeException e) {
            LOG.error("NACC planning failed", e);
            return List.of(Notification.critical("NACC run not planned: " + message(e)));
        } finally {
            planning.unlock();
        }
    }

    private List<Notification> planLocked() {
        NaccRunLog log = runLog();
        BatchRunConfig cfg;
        try {
            cfg = BatchRunConfig.read(settings.batchConfigsFile().orElseThrow());
        } catch (BadInputException e) {
            return List.of(Notification.critical("NACC run not planned: " + e.getMessage()));
        }
        if (!settings.dryRun()) {
            List<String> busy = busyRuns(log, cfg.gearName());
            if (!busy.isEmpty()) {
                return List.of(Notification.warning("NACC: not planning a new run of " + cfg.gearName() + " while "
                        + String.join(", ", busy) + " has not ended"));
            }
        }
        NaccPlanner.Plan plan;
        long t0 = System.nanoTime();
        try {
            plan = new NaccPlanner(flywheel.get(), clock).plan(settings, cfg);
        } catch (NaccPlanner.PlanException e) {
            return List.of(Notification.critical("NACC run of " + cfg.gearName() + " not planned: " + e.getMessage()));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Set<String> runs = engine.inspect(t -> runNames(t.index().all()));
        log.all().forEach(r -> runs.add(r.run()));
        String run = NaccJobs.runName(cfg.gearName(), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), runs::contains);
        List<Notification> out = new ArrayList<>();
        if (!plan.errors().isEmpty()) {
            out.add(Notification.warning("NACC run " + run + ": " + plan.errors().size()
                    + (plan.errors().size() == 1 ? " center" : " centers") + " left out by errors:\n"
                    + plan.errors().stream().map(s -> "• " + s.center() + ": " + (s.reason() == Skip.Reason.MISSING_PROJECT
                    ? "project " + s.detail() + " not found" : s.detail())).collect(Collectors.joining("\n"))));
        }
        if (settings.dryRun()) {
            String text = NaccJobs.render(plan, "NACC dry run " + run + " on " + settings.env() + " (planned in " + ms
                    + " ms; nothing submitted)", run, true);
            LOG.info("{}", text);
            out.add(0, Notification.info(text));
            return out;
        }
        if (plan.batches().isEmpty()) {
            out.add(0, Notification.info(NaccJobs.render(plan, "NACC run of " + cfg.gearName()
                    + ": no project matched the batch run configs; nothing scheduled", run, false)));
            return out;
        }
        NaccJobs.Output jobs = NaccJobs.jobs(plan, run);
        log.save(new NaccRunLog.RunState(run, cfg.gearName(), settings.env(), clock.instant().getEpochSecond(),
                plan.batches().size(), jobs.jobs().size(), settings.retryJobs(), NaccRunLog.RUNNING,
                clock.instant().getEpochSecond(), List.of()));
        IntakeOutcome added = engine.intake().add(jobs.addition());
        if (!added.refused().isEmpty()) {
            throw new BadInputException(added.refusals() + "; no planned job was added");
        }
        out.add(0, Notification.info(NaccJobs.render(plan, "NACC run " + run + " planned on " + settings.env() + " in "
                + ms + " ms; batches go out one after the other", run, false)));
        return out;
    }

    /** Runs of this gear (or open in the run log) that still have jobs waiting or in flight. */
    private List<String> busyRuns(NaccRunLog log, String gear) {
        Set<String> open = log.open().stream().map(NaccRunLog.RunState::run).collect(Collectors.toSet());
        return engine.inspect(t -> {
            Set<String> busy = new java.util.TreeSet<>();
            for (Job j : t.index().all()) {
                if (j.state().equals(State.BACKLOG) || j.state().equals(State.QUEUED)) {
                    NaccJobs.runOf(j.ref().batch()).filter(r -> open.contains(r) || r.startsWith(gear + "-"))
                            .ifPresent(busy::add);
                }
            }
            return new ArrayList<>(busy);
        });
    }

    private static Set<String> runNames(java.util.Collection<Job> jobs) {
        Set<String> out = new HashSet<>();
        for (Job j : jobs) {
            NaccJobs.runOf(j.ref().batch()).ifPresent(out::add);
        }
        return out;
    }

    // --- watch -------------------------------------------------------------------------------

    /** For every open run: "still running", the one retry, the final report. */
    public List<Notification> watch() {
        NaccRunLog log = runLog();
        List<Notification> out = new ArrayList<>();
        for (NaccRunLog.RunState s : log.open()) {
            try {
                List<Job> jobs = engine.inspect(t -> t.index().all().stream()
                        .filter(j -> NaccJobs.runOf(j.ref().batch()).map(s.run()::equals).orElse(false))
                        .sorted(java.util.Comparator.comparing(Job::ref)).toList());
                Map<JobRef, String> lines = engine.inspect(t -> {
                    Map<JobRef, String> m = new java.util.HashMap<>();
                    for (Job j : jobs) {
                        if (j.state().equals(State.FAILED)) {
                            m.put(j.ref(), describe(t, j));
                        }
                    }
                    return m;
                });
                NaccWatch.Step step = NaccWatch.step(s, jobs, Instant.now(clock), settings.statusInterval(),
                        j -> lines.getOrDefault(j.ref(), j.ref().path()));
                if (!step.retry().isEmpty()) {
                    List<JobRef> moved = engine.intake().toBacklog(step.retry().stream().map(Intake.Resubmission::new)
                            .toList(), "NACC: one retry after every batch ended", Optional.empty()).changed();
                    LOG.info("NACC run {}: {} failed jobs back in backlog for one retry", s.run(), moved.size());
                }
                if (!step.state().equals(s)) {
                    log.save(step.state());
                }
                out.addAll(step.notifications());
            } catch (RuntimeException e) {
                LOG.error("NACC watch of run {} failed", s.run(), e);
                out.add(Notification.warning("NACC watch of run " + s.run() + " failed: " + message(e)));
            }
        }
        return out;
    }

    private static String describe(TreeView t, Job j) {
        String project = j.ref().group();
        try {
            Object p = t.readParams(j).get("source_project");
            if (p != null) {
                project = p.toString();
            }
        } catch (RuntimeException e) {
            // the path is enough
        }
        String runs = j.runs().stream().map(RunMarker::runId).collect(Collectors.joining(", "));
        return project + " (" + j.ref().path() + ", Flywheel " + (j.runs().size() == 1 ? "job " : "jobs ") + runs + ")";
    }

    private NaccRunLog runLog() {
        return new NaccRunLog(engine.stateDir());
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
