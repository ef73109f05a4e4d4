package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.BackendException;
import dev.caravan.backend.RunHandle;
import dev.caravan.backend.awsbatch.AwsBatchBackend;
import dev.caravan.backend.awsbatch.AwsBatchBackendFactory;
import dev.caravan.backend.awsbatch.BatchJobSpec;
import dev.caravan.backend.awsbatch.BatchLogs;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.RunMarker;
import dev.caravan.model.State;
import dev.caravan.projects.Metadata;
import dev.caravan.projects.ProjectPlan;
import dev.caravan.projects.Workflow;
import dev.caravan.tracking.TrackingTree;
import software.amazon.awssdk.services.batch.model.JobDetail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code caravan project import|create|submit|status|resubmit|cancel|logs}: aws-batch-helpers' projects on Caravan.
 * A project is a group of the tracking tree, its workflow a batch; its definition lives beside the jobs:
 *
 * <pre>
 * jobs/&lt;project&gt;/metadata.json                   the samples (project import)
 * jobs/&lt;project&gt;/&lt;workflow&gt;/workflow.json        the template, as given (project create)
 * jobs/&lt;project&gt;/&lt;workflow&gt;/project.json         the environment it runs on
 * jobs/&lt;project&gt;/&lt;workflow&gt;/batch-summary.tsv    job id, sample, analysis (project submit)
 * jobs/&lt;project&gt;/&lt;workflow&gt;/&lt;state&gt;/&lt;sample&gt;.&lt;nn&gt;-&lt;analysis&gt;/   one job per sample × analysis
 * </pre>
 */
final class ProjectCommand {

    static final String HELP = """
            usage: caravan project COMMAND PROJECT [options] [--config FILE]

              import PROJECT --metadata FILE.csv [--sample-col sample] [--file-col file]
                        the samples: one row each; sample and file named once
              create PROJECT --template workflow.json [--env NAME]
                        the workflow: checked (fields, templates for every sample, queues and job
                        definitions on AWS Batch) and bound to an awsbatch environment (default: the only one)
              submit PROJECT [--workflow W]
                        writes one job per sample x analysis and runs a cycle of the environment: the
                        jobs are on AWS Batch when it returns, chained per sample (dependsOn); jobs whose
                        outputs are all on S3 are completed without submitting. The daemon follows them.
              status PROJECT [--workflow W]
                        jobs per state, and per AWS Batch status for those in flight (DescribeJobs, 100 a call)
              resubmit PROJECT [--workflow W] [--overrides FILE.json]
                        failed (and cancelled) jobs back to the backlog with the overrides
                        (containerOverrides, timeout, retry_attempts, queue, job_definition; per analysis
                        under "analyses": {"NAME": {...}}), then a cycle
              cancel PROJECT [--workflow W] [--status S] [--reason TEXT] [--yes]
                        cancels jobs in flight (CancelJob before STARTING, TerminateJob after) and moves
                        backlog jobs to failed; --status: only jobs in that AWS status (or BACKLOG)
              logs PROJECT [--workflow W] [--out DIR]
                        each job's CloudWatch Logs stream to DIR/STATUS.JOBNAME.JOBID.log (default PROJECT/logs)

            Commands that write (import, create, submit, resubmit, cancel) take the daemons' cycle lock and
            commit to the tracking repo; they exit with status 3 while a daemon holds it.
            """;

    private static final Set<String> VALUED = Set.of("config", "metadata", "sample-col", "file-col", "template", "env",
            "workflow", "overrides", "status", "reason", "out");
    private static final Set<String> FLAGS = Set.of("help", "yes");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String METADATA = "metadata.json";
    static final String WORKFLOW = "workflow.json";
    static final String PROJECT = "project.json";

    private final PrintStream out;
    private final PrintStream err;

    private ProjectCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        ArgList a = ArgList.parse("project", args, VALUED, FLAGS);
        if (a.options().help() || a.positional().isEmpty()) {
            out.print(HELP);
            return a.options().help() ? 0 : 2;
        }
        String sub = a.positional().get(0);
        if (a.positional().size() != 2) {
            throw new UsageException("project " + sub + " takes one PROJECT name"
                    + (a.positional().size() > 2 ? " (unexpected '" + a.positional().get(2) + "')" : ""));
        }
        String project = a.positional().get(1);
        if (!project.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,99}")) {
            throw new UsageException("project name '" + project + "': letters, digits, '_' and '-' only");
        }
        ProjectCommand c = new ProjectCommand(out, err);
        Options o = a.options();
        return switch (sub) {
            case "import" -> c.importProject(o, project);
            case "create" -> c.create(o, project);
            case "submit" -> c.submit(o, project);
            case "status" -> c.status(o, project);
            case "resubmit" -> c.resubmit(o, project);
            case "cancel" -> c.cancel(o, project);
            case "logs" -> c.logs(o, project);
            default -> throw new UsageException("unknown project command '" + sub
                    + "' (import, create, submit, status, resubmit, cancel, logs)");
        };
    }

    /** A session for a command; a write takes the lock first. */
    private interface Body {
        int run(AwsSession s) throws Exception;
    }

    private int session(Options o, boolean write, Body body) {
        try (AwsSession s = AwsSession.open(o)) {
            if (write && !s.lock()) {
                err.println("caravan: another Caravan process holds the cycle lock " + s.lockFile()
                        + " (a daemon?); stop it, or run this where no daemon runs on the tracking repo");
                return 3;
            }
            return body.run(s);
        } catch (Exception e) {
            return AwsSession.failed(e, err);
        }
    }

    // --- import ----------------------------------------------------------------------------------

    private int importProject(Options o, String project) {
        Path csv = Path.of(o.required("metadata"));
        String sampleCol = o.value("sample-col").orElse("sample");
        String fileCol = o.value("file-col").orElse("file");
        return session(o, true, s -> {
            TrackingTree tree = s.engine().tree();
            Path file = tree.jobsDir().resolve(project).resolve(METADATA);
            if (Files.exists(file)) {
                throw new BadInputException("project " + project + " already has its samples (" + file
                        + "); a project is imported once");
            }
            Metadata md = Metadata.read(csv, sampleCol, fileCol);
            write(file, md.toJson());
            commit(s, List.of(rel(tree, file)), "[project] import " + project + ": " + md.samples().size()
                    + " samples from " + csv.getFileName());
            out.println("imported " + md.samples().size() + " samples into project " + project + " (sample column '"
                    + sampleCol + "', file column '" + fileCol + "')");
            return 0;
        });
    }

    // --- create ----------------------------------------------------------------------------------

    private int create(Options o, String project) {
        Path template = Path.of(o.required("template"));
        return session(o, true, s -> {
            TrackingTree tree = s.engine().tree();
            Metadata md = metadata(tree, project);
            String text = read(template, "--template");
            Workflow wf = Workflow.parse(text, template.getFileName().toString());
            Environment env = s.awsEnvironment(o.value("env"));
            Path dir = tree.jobsDir().resolve(project).resolve(wf.name());
            if (Files.exists(dir.resolve(WORKFLOW))) {
                throw new BadInputException("project " + project + " already has workflow " + wf.name() + " ("
                        + dir.resolve(WORKFLOW) + ")");
            }
            List<ProjectPlan.PlannedJob> plan = ProjectPlan.plan(project, wf, md, template.getFileName().toString());
            checkOnAws(s.backend(env), wf, template.getFileName().toString());
            write(dir.resolve(WORKFLOW), text.endsWith("\n") ? text : text + "\n");
            ObjectNode p = JSON.createObjectNode();
            p.put("project", project);
            p.put("workflow", wf.name());
            p.put("env", env.name());
            write(dir.resolve(PROJECT), JSON.writeValueAsString(p) + "\n");
            commit(s, List.of(rel(tree, dir.resolve(WORKFLOW)), rel(tree, dir.resolve(PROJECT))),
                    "[project] create " + project + "/" + wf.name() + " on " + env.name());
            for (String note : ProjectPlan.shadowed(project, wf, md)) {
                out.println("note: " + note);
            }
            out.println("created workflow " + wf.name() + " of project " + project + ": " + md.samples().size()
                    + " samples x " + wf.analyses().size() + " analyses = " + plan.size() + " jobs on environment "
                    + env.name() + "; next: caravan project submit " + project);
            return 0;
        });
    }

    /** Every queue and job definition the workflow names exists on AWS Batch. */
    private static void checkOnAws(AwsBatchBackend b, Workflow wf, String source) {
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

    // --- submit ----------------------------------------------------------------------------------

    private int submit(Options o, String project) {
        return session(o, true, s -> {
            TrackingTree tree = s.engine().tree();
            Definition d = definition(s, tree, project, o.value("workflow"));
            List<Job> existing = jobs(tree, project, d.workflow().name());
            if (!existing.isEmpty()) {
                throw new BadInputException("project " + project + "/" + d.workflow().name() + " was submitted already ("
                        + existing.size() + " jobs); see 'caravan project status " + project + "', or resubmit");
            }
            List<ProjectPlan.PlannedJob> plan = ProjectPlan.plan(project, d.workflow(), d.metadata(), WORKFLOW);
            checkOnAws(s.backend(d.env()), d.workflow(), WORKFLOW);
            String wfName = d.workflow().name();
            for (ProjectPlan.PlannedJob j : plan) {
                tree.addJob(new JobRef(project, wfName, j.jobId()), State.BACKLOG, j.paramsJson(),
                        j.after().map(List::of).orElse(List.of()));
            }
            tree.writeBatchFile(project, wfName, dev.caravan.intake.Importer.SUMMARY, ProjectPlan.summary(plan));
            commit(s, List.of(), "[project] submit " + project + "/" + wfName + ": " + plan.size() + " jobs");
            long t0 = System.nanoTime();
            Optional<String> problem = s.cycle(d.env().name());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Counts c = counts(tree, project, wfName);
            out.println("submitted " + project + "/" + wfName + " on " + d.env().name() + " in " + ms + " ms: "
                    + c.onAws + " jobs on AWS Batch, " + c.skipped + " skipped (outputs already on S3), "
                    + c.completed + " completed, " + c.failed + " failed, " + c.backlog + " in the backlog");
            if (c.backlog > 0) {
                out.println("  the backlog goes out on the next cycles (caravan.env." + d.env().name()
                        + ".max-parallel-runs is " + d.env().maxParallelRuns() + "; refusals are in the log above)");
            }
            problem.ifPresent(p -> err.println("caravan: the cycle stopped: " + p));
            return problem.isPresent() ? 1 : 0;
        });
    }

    // --- status ----------------------------------------------------------------------------------

    private int status(Options o, String project) {
        return session(o, false, s -> {
            TrackingTree tree = s.engine().tree();
            List<String> workflows = o.value("workflow").map(List::of).orElseGet(() -> workflows(tree, project));
            if (workflows.isEmpty()) {
                throw new BadInputException("project " + project + " has no workflow (project create)");
            }
            for (String wf : workflows) {
                Definition d = definition(s, tree, project, Optional.of(wf));
                AwsBatchBackend b = s.backend(d.env());
                List<Job> jobs = jobs(tree, project, wf);
                Map<String, Integer> byState = new TreeMap<>();
                List<String> ids = new ArrayList<>();
                int skipped = 0;
                for (Job j : jobs) {
                    byState.merge(j.state().name(), 1, Integer::sum);
                    Optional<RunMarker> run = j.newestRun();
                    if (j.state().equals(State.QUEUED) && run.isPresent()) {
                        if (AwsBatchBackend.isSkipped(run.get().runId())) {
                            skipped++;
                        } else {
                            ids.add(run.get().runId());
                        }
                    }
                }
                long calls0 = b.stats().describeCalls.get();
                long t0 = System.nanoTime();
                Map<String, JobDetail> details = b.describeAll(ids);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                Map<String, Integer> aws = new TreeMap<>();
                details.values().forEach(x -> aws.merge(String.valueOf(x.status()), 1, Integer::sum));
                int unknown = ids.size() - details.size();
                out.println(project + "/" + wf + " (environment " + d.env().name() + ", " + jobs.size() + " jobs)");
                for (State st : State.KNOWN) {
                    out.printf("  %-10s %6d%n", st.name(), byState.getOrDefault(st.name(), 0));
                }
                byState.forEach((k, v) -> {
                    if (!State.of(k).isKnown()) {
                        out.printf("  %-10s %6d%n", k, v);
                    }
                });
                if (!ids.isEmpty() || skipped > 0) {
                    out.println("  in flight on AWS Batch:");
                    aws.forEach((k, v) -> out.printf("    %-10s %6d%n", k, v));
                    if (skipped > 0) {
                        out.printf("    %-10s %6d  (outputs on S3, completed on the next cycle)%n", "skipped", skipped);
                    }
                    if (unknown > 0) {
                        out.printf("    %-10s %6d  (not known to AWS Batch)%n", "unknown", unknown);
                    }
                }
                out.println("  (" + (b.stats().describeCalls.get() - calls0) + " DescribeJobs calls for " + ids.size()
                        + " jobs in flight, " + ms + " ms)");
            }
            return 0;
        });
    }

    // --- resubmit --------------------------------------------------------------------------------

    private int resubmit(Options o, String project) {
        Optional<JsonNode> overrides = o.value("overrides").map(f -> overrides(Path.of(f)));
        return session(o, true, s -> {
            TrackingTree tree = s.engine().tree();
            Definition d = definition(s, tree, project, o.value("workflow"));
            String wf = d.workflow().name();
            List<Job> failed = jobs(tree, project, wf).stream().filter(j -> j.state().equals(State.FAILED)).toList();
            if (failed.isEmpty()) {
                out.println("nothing to resubmit: " + project + "/" + wf + " has no failed jobs");
                return 0;
            }
            // everything checked before anything moves
            Map<Job, byte[]> newParams = new LinkedHashMap<>();
            for (Job j : failed) {
                ObjectNode params = (ObjectNode) JSON.readTree(tree.jobDir(j).resolve("params.json").toFile());
                overrides.ifPresent(ov -> apply(params, ov, j));
                try {
                    BatchJobSpec.of(JSON.convertValue(params, Map.class), new BatchJobSpec.Defaults(Optional.empty(),
                            Optional.empty(), AwsBatchBackendFactory.DEFAULT_TIMEOUT, 1));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("--overrides: job " + j.ref() + ": " + e.getMessage());
                }
                newParams.put(j, (JSON.writeValueAsString(params) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (Map.Entry<Job, byte[]> e : newParams.entrySet()) {
                Path p = tree.jobDir(e.getKey()).resolve("params.json");
                Path tmp = p.resolveSibling(".params.json.tmp");
                Files.write(tmp, e.getValue());
                Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                tree.move(e.getKey().ref(), State.BACKLOG, "resubmitted");
            }
            commit(s, List.of(), "[project] resubmit " + project + "/" + wf + ": " + failed.size() + " failed jobs"
                    + o.value("overrides").map(f -> " with " + Path.of(f).getFileName()).orElse(""));
            Optional<String> problem = s.cycle(d.env().name());
            Counts c = counts(tree, project, wf);
            out.println("resubmitted " + failed.size() + " jobs of " + project + "/" + wf + ": " + c.onAws
                    + " jobs on AWS Batch, " + c.skipped + " skipped, " + c.failed + " failed, " + c.backlog + " in the backlog");
            problem.ifPresent(p -> err.println("caravan: the cycle stopped: " + p));
            return problem.isPresent() ? 1 : 0;
        });
    }

    static final Set<String> OVERRIDE_KEYS = Set.of("containerOverrides", "timeout", "retry_attempts", "queue",
            "job_definition", "analyses");

    private static JsonNode overrides(Path file) {
        String text = read(file, "--overrides");
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            throw new BadInputException(file + ": malformed JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw new BadInputException(file + ": overrides are one JSON object");
        }
        checkOverride(n, file.getFileName().toString(), true);
        return n;
    }

    private static void checkOverride(JsonNode n, String where, boolean top) {
        n.fieldNames().forEachRemaining(k -> {
            if (!OVERRIDE_KEYS.contains(k) || (!top && k.equals("analyses"))) {
                throw new BadInputException(where + ": " + k + ": unknown field (known: containerOverrides, timeout,"
                        + " retry_attempts, queue, job_definition" + (top ? ", analyses" : "") + ")");
            }
        });
        if (n.has("containerOverrides")) {
            try {
                BatchJobSpec.containerOverrides(JSON.convertValue(n.get("containerOverrides"), Map.class), "containerOverrides");
            } catch (IllegalArgumentException e) {
                throw new BadInputException(where + ": " + e.getMessage());
            }
        }
        for (String k : List.of("timeout", "retry_attempts")) {
            if (n.has(k) && !n.get(k).isIntegralNumber()) {
                throw new BadInputException(where + ": " + k + ": must be a whole number");
            }
        }
        for (String k : List.of("queue", "job_definition")) {
            if (n.has(k) && (!n.get(k).isTextual() || n.get(k).asText().isBlank())) {
                throw new BadInputException(where + ": " + k + ": must be a string");
            }
        }
        if (top && n.has("analyses")) {
            if (!n.get("analyses").isObject()) {
                throw new BadInputException(where + ": analyses: must be an object of analysis name → overrides");
            }
            n.get("analyses").properties().forEach(e -> checkOverride(e.getValue(), where + ": analyses." + e.getKey(), false));
        }
    }

    /** Top-level overrides, then the analysis' own; containerOverrides merge field by field. */
    private static void apply(ObjectNode params, JsonNode ov, Job j) {
        applyOne(params, ov);
        JsonNode per = ov.path("analyses").path(params.path("analysis").asText());
        if (per.isObject()) {
            applyOne(params, per);
        }
    }

    private static void applyOne(ObjectNode params, JsonNode ov) {
        if (ov.has("containerOverrides")) {
            ObjectNode co = params.has("container_overrides") && params.get("container_overrides").isObject()
                    ? (ObjectNode) params.get("container_overrides") : params.putObject("container_overrides");
            ov.get("containerOverrides").properties().forEach(e -> co.set(e.getKey(), e.getValue().deepCopy()));
        }
        if (ov.has("timeout")) {
            params.put("timeout", ov.get("timeout").asInt());
        }
        if (ov.has("retry_attempts")) {
            params.put("retry_attempts", ov.get("retry_attempts").asInt());
        }
        if (ov.has("queue")) {
            params.put("job_queue", ov.get("queue").asText());
        }
        if (ov.has("job_definition")) {
            params.put("job_definition", ov.get("job_definition").asText());
        }
    }

    // --- cancel ----------------------------------------------------------------------------------

    static final Set<String> CANCEL_STATUSES = Set.of("BACKLOG", "SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING");

    private int cancel(Options o, String project) {
        Optional<String> only = o.value("status").map(String::toUpperCase);
        if (only.isPresent() && !CANCEL_STATUSES.contains(only.get())) {
            throw new UsageException("--status " + only.get() + ": one of " + String.join(", ", new TreeSet<>(CANCEL_STATUSES)));
        }
        String reason = o.value("reason").orElse("cancelled with 'caravan project cancel' by "
                + Optional.ofNullable(System.getenv("USER")).orElse("an operator"));
        return session(o, true, s -> {
            TrackingTree tree = s.engine().tree();
            Definition d = definition(s, tree, project, o.value("workflow"));
            String wf = d.workflow().name();
            AwsBatchBackend b = s.backend(d.env());
            List<Job> jobs = jobs(tree, project, wf);
            List<Job> backlog = only.isEmpty() || only.get().equals("BACKLOG")
                    ? jobs.stream().filter(j -> j.state().equals(State.BACKLOG)).toList() : List.of();
            List<Job> inFlight = jobs.stream().filter(j -> j.inFlightOn(d.env().name())).toList();
            Map<String, JobDetail> details = b.describeAll(inFlight.stream().map(j -> j.newestRun().orElseThrow().runId())
                    .filter(id -> !AwsBatchBackend.isSkipped(id)).toList());
            List<Job> toCancel = new ArrayList<>();
            for (Job j : inFlight) {
                JobDetail x = details.get(j.newestRun().orElseThrow().runId());
                if (x == null) {
                    continue;
                }
                String st = String.valueOf(x.status());
                if (only.isPresent() ? only.get().equals(st) : !st.equals("SUCCEEDED") && !st.equals("FAILED")) {
                    toCancel.add(j);
                }
            }
            if (toCancel.isEmpty() && backlog.isEmpty()) {
                out.println("nothing to cancel in " + project + "/" + wf + only.map(x -> " with status " + x).orElse(""));
                return 0;
            }
            if (!confirmed(o, "cancel " + toCancel.size() + " jobs on AWS Batch and " + backlog.size()
                    + " in the backlog of " + project + "/" + wf)) {
                return 2;
            }
            int cancelled = 0;
            List<String> problems = new ArrayList<>();
            for (Job j : toCancel) {
                try {
                    b.cancel(new RunHandle(j.ref(), j.newestRun().orElseThrow().runId()), reason);
                    cancelled++;
                } catch (BackendException e) {
                    problems.add(e.getMessage());
                }
            }
            for (Job j : backlog) {
                tree.move(j.ref(), State.FAILED, "cancelled: " + reason);
            }
            if (!backlog.isEmpty()) {
                commit(s, List.of(), "[project] cancel " + project + "/" + wf + ": " + backlog.size()
                        + " backlog jobs to failed (" + reason + ")");
            }
            // the cycle moves what AWS already reports as ended
            Optional<String> problem = s.cycle(d.env().name());
            out.println("cancelled " + cancelled + " jobs on AWS Batch and " + backlog.size() + " backlog jobs of "
                    + project + "/" + wf + " (" + reason + ")");
            problems.forEach(p -> err.println("caravan: " + p));
            problem.ifPresent(p -> err.println("caravan: the cycle stopped: " + p));
            return problems.isEmpty() && problem.isEmpty() ? 0 : 1;
        });
    }

    private boolean confirmed(Options o, String what) throws IOException {
        if (o.flag("yes")) {
            return true;
        }
        if (System.console() == null) {
            err.println("caravan: about to " + what + "; add --yes to confirm (no terminal to ask on)");
            return false;
        }
        out.print("About to " + what + ". Go on? (Y/N): ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
            err.println("caravan: not confirmed; nothing cancelled");
            return false;
        }
        return true;
    }

    // --- logs ------------------------------------------------------------------------------------

    private int logs(Options o, String project) {
        Path outDir = Path.of(o.value("out").orElse(project + "/logs"));
        return session(o, false, s -> {
            TrackingTree tree = s.engine().tree();
            Definition d = definition(s, tree, project, o.value("workflow"));
            AwsBatchBackend b = s.backend(d.env());
            List<String> ids = new ArrayList<>();
            for (Job j : jobs(tree, project, d.workflow().name())) {
                j.newestRun().filter(r -> r.env().equals(d.env().name()) && !AwsBatchBackend.isSkipped(r.runId()))
                        .ifPresent(r -> ids.add(r.runId()));
            }
            Files.createDirectories(outDir);
            BatchLogs.Result r;
            try (BatchLogs logs = BatchLogs.open(AwsBatchBackendFactory.config(d.env()))) {
                r = logs.save(b.describeAll(ids).values(), outDir);
            }
            out.println("wrote " + r.written() + " log files to " + outDir + " (" + r.events() + " events; "
                    + r.withoutStream() + " jobs without a log stream, " + r.missingStream() + " streams not found)");
            return 0;
        });
    }

    // --- the project's files ---------------------------------------------------------------------

    record Definition(Metadata metadata, Workflow workflow, Environment env) {
    }

    private static Definition definition(AwsSession s, TrackingTree tree, String project, Optional<String> workflow) {
        Metadata md = metadata(tree, project);
        String wf = workflow.orElseGet(() -> {
            List<String> all = workflows(tree, project);
            if (all.isEmpty()) {
                throw new BadInputException("project " + project + " has no workflow yet (caravan project create "
                        + project + " --template workflow.json)");
            }
            if (all.size() > 1) {
                throw new UsageException("project " + project + " has several workflows (" + String.join(", ", all)
                        + "): say which with --workflow W");
            }
            return all.get(0);
        });
        Path dir = tree.jobsDir().resolve(project).resolve(wf);
        if (!Files.isRegularFile(dir.resolve(WORKFLOW))) {
            throw new BadInputException("project " + project + " has no workflow " + wf + " (" + dir.resolve(WORKFLOW) + ")");
        }
        Workflow w = Workflow.parse(read(dir.resolve(WORKFLOW), "workflow"), dir.resolve(WORKFLOW).toString());
        String envName;
        try {
            envName = JSON.readTree(dir.resolve(PROJECT).toFile()).path("env").asText();
        } catch (IOException e) {
            throw new BadInputException(dir.resolve(PROJECT) + ": " + e.getMessage());
        }
        Environment env = s.awsEnvironment(Optional.of(envName));
        return new Definition(md, w, env);
    }

    static List<String> workflows(TrackingTree tree, String project) {
        Path p = tree.jobsDir().resolve(project);
        List<String> out = new ArrayList<>();
        String[] names = p.toFile().list();
        if (names != null) {
            for (String n : new TreeSet<>(List.of(names))) {
                if (Files.isRegularFile(p.resolve(n).resolve(WORKFLOW))) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static Metadata metadata(TrackingTree tree, String project) {
        Path f = tree.jobsDir().resolve(project).resolve(METADATA);
        if (!Files.isRegularFile(f)) {
            throw new BadInputException("project " + project + " has no samples yet (caravan project import " + project
                    + " --metadata FILE.csv)");
        }
        return Metadata.fromJson(read(f, "metadata"), f.toString());
    }

    static List<Job> jobs(TrackingTree tree, String project, String workflow) {
        List<Job> out = new ArrayList<>();
        for (Job j : tree.index().all()) {
            if (j.ref().group().equals(project) && j.ref().batch().equals(workflow)) {
                out.add(j);
            }
        }
        out.sort((a, b) -> a.ref().compareTo(b.ref()));
        return out;
    }

    record Counts(int backlog, int onAws, int skipped, int completed, int failed) {
    }

    private static Counts counts(TrackingTree tree, String project, String wf) {
        int backlog = 0;
        int aws = 0;
        int skipped = 0;
        int completed = 0;
        int failed = 0;
        for (Job j : jobs(tree, project, wf)) {
            if (j.state().equals(State.BACKLOG)) {
                backlog++;
            } else if (j.state().equals(State.FAILED)) {
                failed++;
            } else if (j.state().equals(State.COMPLETED)) {
                completed++;
            } else if (j.state().equals(State.QUEUED)) {
                if (j.newestRun().map(r -> AwsBatchBackend.isSkipped(r.runId())).orElse(false)) {
                    skipped++;
                } else {
                    aws++;
                }
            }
        }
        return new Counts(backlog, aws, skipped, completed, failed);
    }

    private static void commit(AwsSession s, List<String> extra, String message) {
        Set<String> paths = new LinkedHashSet<>(s.engine().tree().takeTouched());
        paths.addAll(extra);
        s.engine().git().stage(paths);
        s.engine().git().commit(message);
        s.engine().committed();
    }

    private static String rel(TrackingTree tree, Path p) {
        return tree.root().relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String read(Path p, String what) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException(what + " " + p + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(what + " " + p + ": cannot read: " + e.getMessage());
        }
    }
}
