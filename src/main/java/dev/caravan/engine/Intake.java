package dev.caravan.engine;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import dev.caravan.model.TreeFile;
import dev.caravan.model.Transition;
import dev.caravan.tracking.Intent;
import dev.caravan.tracking.TreeView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one way jobs enter the tree or go back to the backlog, for every capability: import, projects, NACC, retries.
 * Each operation runs under the engine's lock, stages exactly what it touched (the {@code commit} route commits it,
 * with the operation's message when it is the only thing staged) and says what it changed and what it refused.
 */
public final class Intake implements JobSink {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    /** A job to send back to the backlog, with new {@code params.json} bytes when its parameters change. */
    public record Resubmission(JobRef job, Optional<byte[]> params) {

        public Resubmission(JobRef job) {
            this(job, Optional.empty());
        }
    }

    private static final String ANY_ENV = "*";

    private final CycleContext ctx;

    Intake(CycleContext ctx) {
        this.ctx = ctx;
    }

    /** Reads the tree with nothing moving meanwhile. */
    public <T> T read(Function<TreeView, T> reader) {
        synchronized (ctx) {
            return reader.apply(ctx.tree);
        }
    }

    /**
     * The index's version (see {@link dev.caravan.tracking.JobIndex#version()}) now, without waiting for a cycle that
     * holds the lock: enough to tell that a view made from the index is still current, never to read jobs.
     */
    public long indexVersion() {
        return ctx.tree.index().version();
    }

    /** Where a file of the tree is; nothing is read. */
    public java.nio.file.Path pathOf(dev.caravan.model.TreeFile file) {
        return ctx.tree.pathOf(file);
    }

    /** Adds the jobs {@code plan} makes; when it added any, every environment is asked for a cycle, so they start now. */
    @Override
    public IntakeOutcome add(Function<TreeView, Addition> plan) {
        IntakeOutcome out = addLocked(plan);
        if (!out.changed().isEmpty()) {
            ctx.intakeChanged(List.of());
        }
        return out;
    }

    private IntakeOutcome addLocked(Function<TreeView, Addition> plan) {
        synchronized (ctx) {
            Addition a = plan.apply(ctx.tree);
            List<IntakeOutcome.Refusal> refused = TreeAdditions.check(ctx.tree, a);
            if (!refused.isEmpty()) {
                return IntakeOutcome.refusedAll(refused);
            }
            List<JobRef> added = TreeAdditions.write(ctx.tree, a);
            Set<String> touched = ctx.stageTouched(a.commitMessage());
            LOG.info("Added {} backlog jobs{}", added.size(), a.files().isEmpty() ? "" : " and " + a.files().size() + " files");
            return new IntakeOutcome(added, List.of(), touched);
        }
    }

    /**
     * Writes (a present value) or removes (an empty one) the files a capability keeps beside its jobs, replacing what
     * is there: a batch's definition, its uploaded resource, its schedule. The check runs on the tree as it is, under
     * the lock, and returns the message of the refusal (nothing written) or empty.
     */
    public IntakeOutcome keep(Function<TreeView, Map<TreeFile, Optional<String>>> plan, Optional<String> commitMessage) {
        synchronized (ctx) {
            Map<TreeFile, Optional<String>> files = plan.apply(ctx.tree);
            files.forEach((f, content) -> {
                if (content.isPresent()) {
                    ctx.tree.write(f, content.get());
                } else {
                    ctx.tree.deleteFile(f);
                }
            });
            Set<String> touched = ctx.stageTouched(commitMessage);
            return new IntakeOutcome(List.of(), List.of(), touched);
        }
    }

    /** {@link #add(Function)} of an addition planned without reading the tree. */
    public IntakeOutcome add(Addition a) {
        return add(view -> a);
    }

    /**
     * Sends failed or aborted jobs back to the backlog (their new parameters first, when given); the next cycle
     * releases each to the environment of its newest run. Jobs in any other state are refused and left alone.
     */
    public IntakeOutcome toBacklog(List<Resubmission> jobs, String reason, Optional<String> commitMessage) {
        return toBacklog(jobs, reason, commitMessage, false);
    }

    /**
     * As {@link #toBacklog(List, String, Optional)}; with {@code completedToo}, completed jobs go back as well (a
     * batch started again with force rebuild runs every item anew).
     */
    public IntakeOutcome toBacklog(List<Resubmission> jobs, String reason, Optional<String> commitMessage,
                                   boolean completedToo) {
        Set<String> envs = new java.util.TreeSet<>();
        IntakeOutcome out = toBacklogLocked(jobs, reason, commitMessage, completedToo, envs);
        if (!out.changed().isEmpty()) {
            ctx.intakeChanged(envs.contains(ANY_ENV) ? List.of() : envs);
        }
        return out;
    }

    /** Fills {@code envs} with the environments of the moved jobs' newest runs: where the next cycle releases them. */
    private IntakeOutcome toBacklogLocked(List<Resubmission> jobs, String reason, Optional<String> commitMessage,
                                          boolean completedToo, Set<String> envs) {
        synchronized (ctx) {
            List<IntakeOutcome.Refusal> refused = new ArrayList<>();
            List<Transition> moved = new ArrayList<>();
            for (Resubmission r : jobs) {
                Optional<Job> j = indexed(r.job(), refused);
                if (j.isEmpty()) {
                    continue;
                }
                State st = j.get().state();
                if (!st.equals(State.FAILED) && !st.equals(State.ABORTED) && !(completedToo && st.equals(State.COMPLETED))) {
                    refused.add(new IntakeOutcome.Refusal(r.job().path(), "is in " + st + ", not failed or aborted"));
                    continue;
                }
                r.params().ifPresent(p -> ctx.tree.writeParams(r.job(), p));
                // a job that never ran here may go to any environment: then every one is asked
                envs.add(j.get().newestRun().map(RunMarker::env).filter(ctx.backends::containsKey).orElse(ANY_ENV));
                moved.add(ctx.tree.move(r.job(), State.BACKLOG, reason));
            }
            return moved(moved, refused, true, commitMessage);
        }
    }

    /**
     * Aborts jobs: a run in flight is cancelled through its environment's backend first (a refusal there leaves the
     * job where it is), then the job goes to {@code aborted}, where nothing schedules or counts it.
     */
    public IntakeOutcome abort(Collection<JobRef> jobs, String reason, Optional<String> commitMessage) {
        synchronized (ctx) {
            List<IntakeOutcome.Refusal> refused = new ArrayList<>();
            List<Transition> moved = new ArrayList<>();
            Set<JobRef> submitting = submitting();
            for (JobRef ref : jobs) {
                Optional<Job> j = indexed(ref, refused);
                if (j.isEmpty()) {
                    continue;
                }
                if (j.get().state().equals(State.ABORTED)) {
                    refused.add(new IntakeOutcome.Refusal(ref.path(), "is aborted already"));
                } else if (submitting.contains(ref)) {
                    refused.add(new IntakeOutcome.Refusal(ref.path(), "a submission of it is under way; try again after the cycle"));
                } else {
                    Optional<String> problem = cancelInFlight(j.get(), reason);
                    if (problem.isPresent()) {
                        refused.add(new IntakeOutcome.Refusal(ref.path(), problem.get()));
                    } else {
                        moved.add(ctx.tree.move(ref, State.ABORTED, reason));
                    }
                }
            }
            return moved(moved, refused, true, commitMessage);
        }
    }

    /**
     * Deletes jobs from the tree, each backend told to drop what it keeps for them. Refused while a run of the job is
     * in flight (abort it first) or a submission of it is under way.
     */
    public IntakeOutcome delete(Collection<JobRef> jobs, Optional<String> commitMessage) {
        synchronized (ctx) {
            List<IntakeOutcome.Refusal> refused = new ArrayList<>();
            List<JobRef> deleted = new ArrayList<>();
            Set<JobRef> submitting = submitting();
            for (JobRef ref : jobs) {
                Optional<Job> j = indexed(ref, refused);
                if (j.isEmpty()) {
                    continue;
                }
                if (isInFlight(j.get())) {
                    refused.add(new IntakeOutcome.Refusal(ref.path(), "its run " + j.get().newestRun().orElseThrow().runId()
                            + " is in flight; abort it first"));
                    continue;
                }
                if (submitting.contains(ref)) {
                    refused.add(new IntakeOutcome.Refusal(ref.path(), "a submission of it is under way; try again after the cycle"));
                    continue;
                }
                ctx.tree.delete(ref);
                deleted.add(ref);
                for (String env : j.get().runs().stream().map(RunMarker::env).distinct().toList()) {
                    Backend b = ctx.backends.get(env);
                    try {
                        if (b != null) {
                            b.discard(ref);
                        }
                    } catch (BackendException e) {
                        LOG.warn("Deleted {}, but {} kept its local files: {}", ref, env, e.getMessage());
                    }
                }
            }
            Set<String> touched = ctx.stageTouched(commitMessage);
            return new IntakeOutcome(deleted, refused, touched);
        }
    }

    /**
     * Moves backlog jobs to {@code failed} without running them (a project's cancel). Not counted as failures of any
     * environment: they never ran.
     */
    public IntakeOutcome failBacklog(Collection<JobRef> jobs, String reason, Optional<String> commitMessage) {
        synchronized (ctx) {
            List<IntakeOutcome.Refusal> refused = new ArrayList<>();
            List<Transition> moved = new ArrayList<>();
            for (JobRef ref : jobs) {
                Optional<Job> j = indexed(ref, refused);
                if (j.isPresent() && !j.get().state().equals(State.BACKLOG)) {
                    refused.add(new IntakeOutcome.Refusal(ref.path(), "is in " + j.get().state() + ", not backlog"));
                } else if (j.isPresent()) {
                    moved.add(ctx.tree.move(ref, State.FAILED, reason));
                }
            }
            return moved(moved, refused, false, commitMessage);
        }
    }

    /** The job as the index has it; empty (and a refusal) when it is not there or held back. */
    private Optional<Job> indexed(JobRef ref, List<IntakeOutcome.Refusal> refused) {
        Optional<Job> j = ctx.tree.index().get(ref);
        if (j.isEmpty()) {
            refused.add(new IntakeOutcome.Refusal(ref.path(), "is not in the tracking tree"));
        } else if (ctx.tree.index().isHeld(ref)) {
            refused.add(new IntakeOutcome.Refusal(ref.path(), "is held back: " + ctx.tree.index().held().get(ref)));
            return Optional.empty();
        }
        return j;
    }

    private static boolean isInFlight(Job j) {
        return j.state().equals(State.QUEUED) && j.newestRun().isPresent();
    }

    private Set<JobRef> submitting() {
        return ctx.journal.intents().stream().map(Intent::job).collect(Collectors.toSet());
    }

    /** Cancels the job's run when one is in flight; the problem when its backend could not. */
    private Optional<String> cancelInFlight(Job j, String reason) {
        if (!isInFlight(j)) {
            return Optional.empty();
        }
        RunMarker run = j.newestRun().orElseThrow();
        Backend b = ctx.backends.get(run.env());
        if (b == null) {
            return Optional.of("its run " + run.runId() + " is on " + run.env() + ", which is not configured here");
        }
        try {
            b.cancel(new RunHandle(j.ref(), run.runId()), reason);
            return Optional.empty();
        } catch (BackendException e) {
            return Optional.of("cannot cancel its run " + run.runId() + " on " + run.env() + ": " + e.getMessage());
        }
    }

    private IntakeOutcome moved(List<Transition> moved, List<IntakeOutcome.Refusal> refused, boolean journal,
                                Optional<String> commitMessage) {
        if (journal) {
            ctx.recordMoves(moved);
        }
        Set<String> touched = ctx.stageTouched(commitMessage);
        return new IntakeOutcome(moved.stream().map(Transition::ref).toList(), refused, touched);
    }
}
