package dev.caravan.projects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.BackendException;
import dev.caravan.engine.Addition;
import dev.caravan.engine.Cycles;
import dev.caravan.engine.Intake;
import dev.caravan.engine.IntakeOutcome;
import dev.caravan.engine.NewJob;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.model.TreeFile;
import dev.caravan.tracking.TreeView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * aws-batch-helpers' projects on Caravan: import the samples, create a workflow on an awsbatch environment, submit
 * (one job per sample × analysis, chained per sample), resubmit failed jobs with new resources, cancel, status and
 * logs. Everything reaches the tree through the engine's intake, and submissions go out through the cycle route.
 */
public final class ProjectService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Intake intake;
    private final Environments environments;
    private final JobRules rules;
    private final Function<Environment, AwsBatch> batches;
    private final Cycles cycles;

    /**
     * @param rules   AWS Batch's rules for a job, without a client
     * @param batches the calls to an awsbatch environment (an adapter over its backend); each is closed after use
     * @param cycles  the commit and cycle routes
     */
    public ProjectService(Intake intake, Environments environments, JobRules rules,
                          Function<Environment, AwsBatch> batches, Cycles cycles) {
        this.intake = intake;
        this.environments = environments;
        this.rules = rules;
        this.batches = batches;
        this.cycles = cycles;
    }

    // --- import ------------------------------------------------------------------------------------

    public record Imported(int samples) {
    }

    public Imported importSamples(String project, Path csv, String sampleCol, String fileCol) {
        Metadata[] md = new Metadata[1];
        added(intake.add(tree -> {
            TreeFile file = ProjectFiles.metadata(project);
            if (tree.read(file).isPresent()) {
                throw new BadInputException("project " + project + " already has its samples (" + tree.pathOf(file)
                        + "); a project is imported once");
            }
            md[0] = Metadata.read(csv, sampleCol, fileCol);
            return new Addition(List.of(), Map.of(file, md[0].toJson()), Optional.of("[project] import " + project
                    + ": " + md[0].samples().size() + " samples from " + csv.getFileName()));
        }));
        cycles.commit();
        return new Imported(md[0].samples().size());
    }

    // --- create ------------------------------------------------------------------------------------

    public record Created(String workflow, int samples, int analyses, int jobs, String env, List<String> notes) {
    }

    public Created create(String project, Path template, Optional<String> envName) {
        intake.read(tree -> ProjectFiles.metadata(tree, project)); // the samples first: nothing to create without them
        String text = Overrides.text(template, "--template");
        String source = template.getFileName().toString();
        Workflow wf = Workflow.parse(text, source);
        Environment env = environments.awsBatch(envName);
        Created[] made = new Created[1];
        try (AwsBatch b = batches.apply(env)) {
            added(intake.add(tree -> {
                Metadata md = ProjectFiles.metadata(tree, project);
                TreeFile wfFile = ProjectFiles.workflow(project, wf.name());
                if (tree.read(wfFile).isPresent()) {
                    throw new BadInputException("project " + project + " already has workflow " + wf.name() + " ("
                            + tree.pathOf(wfFile) + ")");
                }
                List<ProjectPlan.PlannedJob> plan = ProjectPlan.plan(project, wf, md, source, b);
                checkOnAws(b, wf, source);
                made[0] = new Created(wf.name(), md.samples().size(), wf.analyses().size(), plan.size(), env.name(),
                        ProjectPlan.shadowed(project, wf, md));
                return new Addition(List.of(), Map.of(wfFile, text.endsWith("\n") ? text : text + "\n",
                        ProjectFiles.definition(project, wf.name()), ProjectFiles.definitionJson(project, wf.name(),
                                env.name())), Optional.of("[project] create " + project + "/" + wf.name() + " on " + env.name()));
            }));
        }
        cycles.commit();
        return made[0];
    }

    /** Every queue and job definition the workflow names exists on AWS Batch. */
    private static void checkOnAws(AwsBatch b, Workflow wf, String source) {
        Map<String, String> queues = new LinkedHashMap<>();
        Map<String, String> defs = new LinkedHashMap<>();
        for (Workflow.Analysis a : wf.analyses()) {
            queues.putIfAbsent(a.queue(), a.field() + ".queue");
            defs.putIfAbsent(a.jobDefinition(), a.field() + ".job_definition");
        }
        for (String q : b.missingQueues(queues.keySet())) {
            throw new BadInputException(source + ", " + queues.get(q) + ": job queue '" + q
                    + "' does not exist on AWS Batch (environment " + b.envName() + "; queues: "
                    + String.join(", ", new TreeSet<>(b.queues())) + ")");
        }
        for (String d : b.missingJobDefinitions(defs.keySet())) {
            throw new BadInputException(source + ", " + defs.get(d) + ": job definition '" + d
                    + "' does not exist (or is not ACTIVE) on AWS Batch (environment " + b.envName() + ")");
        }
    }

    // --- submit ------------------------------------------------------------------------------------

    /** A workflow's jobs after a cycle: what is where. */
    public record Counts(int backlog, int onAws, int skipped, int completed, int failed) {
    }

    public record Submitted(String workflow, Environment env, long millis, Counts counts, Optional<String> problem) {
    }

    public Submitted submit(String project, Optional<String> workflow) {
        Definition d = definition(project, workflow);
        String wf = d.workflow().name();
        try (AwsBatch b = batches.apply(d.env())) {
            added(intake.add(tree -> {
                List<Job> existing = ProjectFiles.jobs(tree, project, wf);
                if (!existing.isEmpty()) {
                    throw new BadInputException("project " + project + "/" + wf + " was submitted already ("
                            + existing.size() + " jobs); see 'caravan project status " + project + "', or resubmit");
                }
                List<ProjectPlan.PlannedJob> plan = ProjectPlan.plan(project, d.workflow(), d.metadata(),
                        ProjectFiles.WORKFLOW, b);
                checkOnAws(b, d.workflow(), ProjectFiles.WORKFLOW);
                List<NewJob> jobs = new ArrayList<>();
                for (ProjectPlan.PlannedJob j : plan) {
                    jobs.add(new NewJob(new JobRef(project, wf, j.jobId()), j.paramsJson(),
                            j.after().map(List::of).orElse(List.of())));
                }
                return new Addition(jobs, Map.of(ProjectFiles.summary(project, wf), ProjectPlan.summary(plan)),
                        Optional.of("[project] submit " + project + "/" + wf + ": " + plan.size() + " jobs"));
            }));
        }
        cycles.commit();
        long t0 = System.nanoTime();
        Optional<String> problem = cycles.run(Optional.of(d.env().name()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Submitted(wf, d.env(), ms, counts(project, wf), problem);
    }

    // --- resubmit ----------------------------------------------------------------------------------

    public record Resubmitted(String workflow, int jobs, Counts counts, Optional<String> problem) {
    }

    /** Failed jobs back to the backlog, with the overrides applied to their parameters, then a cycle. */
    public Resubmitted resubmit(String project, Optional<String> workflow, Optional<Path> overridesFile) {
        Definition d = definition(project, workflow);
        String wf = d.workflow().name();
        Optional<Overrides> overrides = overridesFile.map(f -> Overrides.read(f, rules));
        // everything checked before anything moves
        List<Intake.Resubmission> again = intake.read(tree -> {
            List<Intake.Resubmission> out = new ArrayList<>();
            for (Job j : ProjectFiles.jobs(tree, project, wf)) {
                if (j.state().equals(State.FAILED)) {
                    out.add(new Intake.Resubmission(j.ref(), Optional.of(newParams(tree, j, overrides, rules))));
                }
            }
            return out;
        });
        if (again.isEmpty()) {
            return new Resubmitted(wf, 0, counts(project, wf), Optional.empty());
        }
        added(intake.toBacklog(again, "resubmitted", Optional.of("[project] resubmit " + project + "/" + wf + ": "
                + again.size() + " failed jobs" + overridesFile.map(f -> " with " + f.getFileName()).orElse(""))));
        cycles.commit();
        Optional<String> problem = cycles.run(Optional.of(d.env().name()));
        return new Resubmitted(wf, again.size(), counts(project, wf), problem);
    }

    private static byte[] newParams(TreeView tree, Job j, Optional<Overrides> overrides, JobRules rules) {
        ObjectNode params = JSON.valueToTree(tree.readParams(j));
        overrides.ifPresent(ov -> ov.applyTo(params));
        try {
            rules.checkParams(JSON.convertValue(params, Map.class));
            return (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(params) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--overrides: job " + j.ref() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- status, cancel, logs ------------------------------------------------------------------------

    /** One workflow's jobs per state, and per AWS Batch status for those in flight. */
    public record Status(String workflow, String env, int jobs, Map<String, Integer> byState, Map<String, Integer> aws,
                         int inFlight, int skipped, int unknown, long describeCalls, long millis) {
    }

    public List<Status> status(String project, Optional<String> workflow) {
        List<String> workflows = workflow.map(List::of).orElseGet(() -> intake.read(t -> ProjectFiles.workflows(t, project)));
        if (workflows.isEmpty()) {
            throw new BadInputException("project " + project + " has no workflow (project create)");
        }
        List<Status> out = new ArrayList<>();
        for (String wf : workflows) {
            Definition d = definition(project, Optional.of(wf));
            try (AwsBatch b = batches.apply(d.env())) {
                out.add(ProjectStatus.of(wf, d.env().name(), intake.read(t -> ProjectFiles.jobs(t, project, wf)), b));
            }
        }
        return out;
    }

    /** What a cancel would stop: jobs in flight in the status asked for (all not ended), and backlog jobs. */
    public record CancelPlan(String project, String workflow, Environment env, List<Job> onAws, List<Job> backlog) {

        public boolean isEmpty() {
            return onAws.isEmpty() && backlog.isEmpty();
        }
    }

    /**
     * What the cancel stopped; {@code done} is false when there was nothing to cancel or it was not confirmed.
     *
     * @param onAws     jobs cancelled on AWS Batch
     * @param problems  cancels AWS refused
     * @param problem   the cycle's, when it stopped
     */
    public record Cancelled(CancelPlan plan, boolean done, int onAws, List<String> problems, Optional<String> problem) {
    }

    /**
     * Cancels the jobs in flight (in status {@code only}, else all not ended) and moves the backlog jobs to failed,
     * once {@code confirm} agrees to the plan; then a cycle moves what AWS has ended.
     *
     * @param only an AWS Batch status, or {@code BACKLOG}: only those jobs
     */
    public Cancelled cancel(String project, Optional<String> workflow, Optional<String> only, String reason,
                            Predicate<CancelPlan> confirm) {
        Definition d = definition(project, workflow);
        String wf = d.workflow().name();
        List<Job> jobs = intake.read(t -> ProjectFiles.jobs(t, project, wf));
        List<Job> backlog = only.isEmpty() || only.get().equals("BACKLOG")
                ? jobs.stream().filter(j -> j.state().equals(State.BACKLOG)).toList() : List.of();
        List<Job> inFlight = jobs.stream().filter(j -> j.inFlightOn(d.env().name())).toList();
        try (AwsBatch b = batches.apply(d.env())) {
            Map<String, String> statuses = b.statuses(inFlight.stream().map(j -> j.newestRun().orElseThrow().runId())
                    .filter(id -> !b.isSkipped(id)).toList());
            List<Job> toCancel = new ArrayList<>();
            for (Job j : inFlight) {
                String st = statuses.get(j.newestRun().orElseThrow().runId());
                if (st != null && (only.isPresent() ? only.get().equals(st) : !st.equals("SUCCEEDED") && !st.equals("FAILED"))) {
                    toCancel.add(j);
                }
            }
            CancelPlan plan = new CancelPlan(project, wf, d.env(), toCancel, backlog);
            if (plan.isEmpty() || !confirm.test(plan)) {
                return new Cancelled(plan, false, 0, List.of(), Optional.empty());
            }
            int cancelled = 0;
            List<String> problems = new ArrayList<>();
            for (Job j : toCancel) {
                try {
                    b.cancel(j.ref(), j.newestRun().orElseThrow().runId(), reason);
                    cancelled++;
                } catch (BackendException e) {
                    problems.add(e.getMessage());
                }
            }
            if (!backlog.isEmpty()) {
                added(intake.failBacklog(backlog.stream().map(Job::ref).toList(), "cancelled: " + reason,
                        Optional.of("[project] cancel " + project + "/" + wf + ": " + backlog.size()
                                + " backlog jobs to failed (" + reason + ")")));
                cycles.commit();
            }
            // the cycle moves what AWS already reports as ended
            Optional<String> problem = cycles.run(Optional.of(d.env().name()));
            return new Cancelled(plan, true, cancelled, problems, problem);
        }
    }

    public AwsBatch.Logs logs(String project, Optional<String> workflow, Path outDir) throws IOException {
        Definition d = definition(project, workflow);
        List<String> ids = new ArrayList<>();
        try (AwsBatch b = batches.apply(d.env())) {
            for (Job j : intake.read(t -> ProjectFiles.jobs(t, project, d.workflow().name()))) {
                j.newestRun().filter(r -> r.env().equals(d.env().name()) && !b.isSkipped(r.runId()))
                        .ifPresent(r -> ids.add(r.runId()));
            }
            Files.createDirectories(outDir);
            return b.saveLogs(ids, outDir);
        }
    }

    // --- the project's definition --------------------------------------------------------------------

    record Definition(Metadata metadata, Workflow workflow, Environment env) {
    }

    private Definition definition(String project, Optional<String> workflow) {
        return intake.read(tree -> {
            Metadata md = ProjectFiles.metadata(tree, project);
            String wf = workflow.orElseGet(() -> {
                List<String> all = ProjectFiles.workflows(tree, project);
                if (all.isEmpty()) {
                    throw new BadInputException("project " + project + " has no workflow yet (caravan project create "
                            + project + " --template workflow.json)");
                }
                if (all.size() > 1) {
                    throw new UsageProblem("project " + project + " has several workflows ("
                            + String.join(", ", all) + "): say which with --workflow W");
                }
                return all.get(0);
            });
            TreeFile f = ProjectFiles.workflow(project, wf);
            String text = tree.read(f).orElseThrow(() -> new BadInputException("project " + project + " has no workflow "
                    + wf + " (" + tree.pathOf(f) + ")"));
            Workflow w = Workflow.parse(text, tree.pathOf(f).toString());
            return new Definition(md, w, environments.awsBatch(Optional.of(ProjectFiles.environmentOf(tree, project, wf))));
        });
    }

    private Counts counts(String project, String wf) {
        return intake.read(tree -> {
            int backlog = 0;
            int aws = 0;
            int skipped = 0;
            int completed = 0;
            int failed = 0;
            for (Job j : ProjectFiles.jobs(tree, project, wf)) {
                if (j.state().equals(State.BACKLOG)) {
                    backlog++;
                } else if (j.state().equals(State.FAILED)) {
                    failed++;
                } else if (j.state().equals(State.COMPLETED)) {
                    completed++;
                } else if (j.state().equals(State.QUEUED)) {
                    if (j.newestRun().map(r -> rules.isSkipped(r.runId())).orElse(false)) {
                        skipped++;
                    } else {
                        aws++;
                    }
                }
            }
            return new Counts(backlog, aws, skipped, completed, failed);
        });
    }

    /** An intake refusal here means the tree changed under the command: say what, change nothing more. */
    private static void added(IntakeOutcome o) {
        if (!o.refused().isEmpty()) {
            throw new BadInputException(o.refusals());
        }
    }
}
