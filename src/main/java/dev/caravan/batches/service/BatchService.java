package dev.caravan.batches.service;

import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.BatchNames;
import dev.caravan.batches.Directives;
import dev.caravan.batches.Task;
import dev.caravan.batches.TaskList;
import dev.caravan.batches.export.ClusterExport;
import dev.caravan.batches.export.ExportItem;
import dev.caravan.batches.export.ExportRequest;
import dev.caravan.batches.export.SlurmResources;
import dev.caravan.batches.geojson.GeoJsonReader;
import dev.caravan.batches.rows.RowsFormat;
import dev.caravan.batches.rows.RowsReader;
import dev.caravan.batches.rows.UploadFormat;
import dev.caravan.batches.template.RunIdValidation;
import dev.caravan.engine.Addition;
import dev.caravan.engine.Intake;
import dev.caravan.engine.IntakeOutcome;
import dev.caravan.engine.NewJob;
import dev.caravan.model.Environment;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.Notification;
import dev.caravan.model.State;
import dev.caravan.model.TreeFile;
import dev.caravan.scheduling.BatchRelease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Batches people drive (WEPPcloud's batch runner, Mesmerize's batch manager) on the engine's intake: every change is
 * an intake operation under the engine's lock, staged for the next commit, and the batch's environment is asked
 * for a cycle at once, which commits it and releases what may go. What a batch is lives in its batch folder
 * ({@code batch.json}, {@code release.json}, the uploaded {@code resource.geojson}, {@code schedule.json}); each
 * item's script and work folder under {@code caravan.batches.work-dir}. The HTTP API and {@code caravan batch} call
 * this class and nothing else.
 */
public final class BatchService {

    private static final Logger LOG = LoggerFactory.getLogger(BatchService.class);
    static final String RESOURCE_FILE = "resource.geojson";
    /**
     * The item's script, in its params.json: the local backend runs it instead of the environment's command; on other
     * kinds the environment's command says {@code bash {params.caravan_runner}}.
     */
    public static final String RUNNER_PARAM = "caravan_runner";

    /** What the service asks of the routes: a cycle of one environment, soon (it commits what was staged). */
    public interface Signals {
        void requestCycle(String env);
    }

    private final Intake intake;
    private final BatchSettings settings;
    private final Map<String, Environment> envs;
    private final ItemFiles files;
    private final Signals signals;
    private final Clock clock;
    /** The parsed resources of the batches used last, by "group/batch"; see {@link #resource(Loaded)}. */
    /** The view of each batch asked for, by "group/batch"; see {@link #get}. */
    private final Map<String, CachedView> views = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CachedView> eldest) {
                    return size() > CACHED_VIEWS;
                }
            });
    /** How many batches' views are kept (the API keeps their JSON as long). */
    public static final int CACHED_VIEWS = 32;
    private final Map<String, ItemSource> cache = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ItemSource> eldest) {
                    return size() > CACHED_RESOURCES;
                }
            });
    private static final int CACHED_RESOURCES = 8;

    public BatchService(Intake intake, BatchSettings settings, Map<String, Environment> envs, Path localWorkDir,
                        Signals signals, Clock clock) {
        this.intake = intake;
        this.settings = settings;
        this.envs = Map.copyOf(envs);
        this.files = new ItemFiles(settings.workDir().toAbsolutePath().normalize(), localWorkDir.toAbsolutePath().normalize());
        this.signals = signals;
        this.clock = clock;
    }

    public BatchSettings settings() {
        return settings;
    }

    // --- batches ---------------------------------------------------------------------------------

    /** Every batch of every group (ICGC's and projects' too) with its jobs per state; batches people drive say so. */
    public List<Map<String, Object>> list() {
        return intake.read(t -> {
            Map<String, Map<String, Integer>> counts = new TreeMap<>();
            for (Job j : t.index().all()) {
                counts.computeIfAbsent(j.ref().group() + "/" + j.ref().batch(), k -> new TreeMap<>())
                        .merge(j.state().name(), 1, Integer::sum);
            }
            for (String g : t.groups()) {
                for (String b : t.batchesWithFile(g, BatchDefinition.FILE)) {
                    counts.computeIfAbsent(g + "/" + b, k -> new TreeMap<>());
                }
            }
            List<Map<String, Object>> out = new ArrayList<>();
            counts.forEach((key, c) -> {
                String[] gb = key.split("/", 2);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("group", gb[0]);
                m.put("batch", gb[1]);
                m.put("managed", t.read(TreeFile.ofBatch(gb[0], gb[1], BatchDefinition.FILE)).isPresent());
                m.put("counts", c);
                out.add(m);
            });
            return out;
        });
    }

    /** A new batch, not started: {@code group}, {@code batch}, optionally {@code config}, {@code environment}, {@code tasks}, {@code parallel}. */
    public synchronized Map<String, Object> create(Map<String, Object> body) {
        String group = BatchNames.requireValid("group", text(body, "group"));
        String batch = BatchNames.requireValid("batch", text(body, "batch"));
        String configName = text(body, "config");
        if (configName == null) {
            configName = settings.defaultConfig();
        }
        BatchConfig config = configName == null || configName.isBlank() ? null : settings.configs().get(configName);
        if (configName != null && !configName.isBlank() && config == null) {
            throw BatchInputException.field("config", "config '" + BatchNames.printable(configName)
                    + "' is not configured (configured: " + String.join(", ", settings.configs().keySet()) + ")");
        }
        String env = text(body, "environment");
        if (env == null) {
            env = config != null ? config.environment() : null;
        }
        if (env == null || !envs.containsKey(env)) {
            throw BatchInputException.field("environment", env == null ? "a batch needs an environment (or a config that names one)"
                    : "environment '" + BatchNames.printable(env) + "' is not configured (configured: "
                    + String.join(", ", envs.keySet()) + ")");
        }
        TaskList tasks = body.get("tasks") != null ? Requests.tasks(body.get("tasks"))
                : config != null ? config.tasks() : null;
        if (tasks == null) {
            throw BatchInputException.field("tasks", "a batch needs tasks (or a config that has them)");
        }
        int parallel = body.get("parallel") != null ? Requests.integer(body, "parallel", 0)
                : config != null ? config.parallel() : 0;
        String orderBy = body.get("order_by") != null ? text(body, "order_by") : config != null ? config.orderBy() : "";
        SlurmResources resources = body.get("resources") != null ? Requests.resources(body.get("resources"))
                : config != null ? config.resources() : SlurmResources.NONE;
        String template = text(body, "template");
        BatchDefinition def = new BatchDefinition(group, batch, configName == null || configName.isBlank() ? null : configName,
                env, tasks.tasks().stream().map(BatchDefinition.TaskSpec::of).toList(), Map.of(), orderBy == null ? "" : orderBy,
                parallel, config == null ? null : config.base().map(Path::toString).orElse(null),
                config == null ? null : config.scratch().map(Path::toString).orElse(null), resources, template, null, null,
                Instant.now(clock).toString(), null, null, false, null);
        String e = env;
        IntakeOutcome out = intake.keep(t -> {
            if (t.hasBatchFolder(group, batch)) {
                throw BatchProblem.conflict("batch " + group + "/" + batch + " exists already");
            }
            Map<TreeFile, Optional<String>> f = new LinkedHashMap<>();
            f.put(file(group, batch, BatchDefinition.FILE), Optional.of(Json.write(def)));
            f.put(file(group, batch, BatchRelease.FILE), Optional.of(BatchRelease.notStarted(e, parallel, List.of()).toJson()));
            return f;
        }, Optional.of("batches: create " + group + "/" + batch));
        LOG.info("Created batch {}/{} on {} ({} files staged)", group, batch, env, out.touched().size());
        signals.requestCycle(env);
        return get(group, batch);
    }

    /**
     * The batch, its tasks, template state, schedule and every item with its status and colour. The view is made
     * once per change of the index or of the batch's files and kept: a GET of a 10,000-item batch re-reads only the
     * running items' {@code run_metadata.json} (their "moving" status lives outside the tree). The same object comes
     * back until one of those changes (callers may keep what they made of it, such as its JSON); it is never changed.
     */
    public Map<String, Object> get(String group, String batch) {
        String key = group + "/" + batch;
        ViewStamp stamp = viewStamp(group, batch);
        CachedView c = views.get(key);
        if (c == null || stamp == null || !c.stamp().equals(stamp)) {
            Loaded l = load(group, batch);
            List<Job> jobs = items(l);
            c = new CachedView(stamp, l, jobs, BatchViews.batch(l, jobs, schedule(l), j -> Optional.empty()));
            if (stamp != null) {
                views.put(key, c);
            }
        }
        return c.jobs().stream().noneMatch(j -> j.state().equals(State.QUEUED)) ? c.view()
                : BatchViews.withRunnerStatus(c.view(), c.jobs(), files::metadataStatus);
    }

    /** What a batch's view is made from: the index as it is, and its files as they are on disk. */
    private record ViewStamp(long index, List<Object> files) {
    }

    private record CachedView(ViewStamp stamp, Loaded loaded, List<Job> jobs, Map<String, Object> view) {
    }

    /**
     * Null when the names cannot be a batch (load says why). Read without the engine's lock, so a GET answered from
     * the kept view does not wait for a cycle committing 10,000 jobs: taken before the view is made, a stamp can only
     * be older than its view (then the next GET makes it again), never newer.
     */
    private ViewStamp viewStamp(String group, String batch) {
        if (!JobRef.isSafeName(group) || !JobRef.isSafeName(batch)) {
            return null;
        }
        long version = intake.indexVersion();
        List<Object> stamps = new ArrayList<>();
        for (String name : List.of(BatchDefinition.FILE, BatchRelease.FILE, Schedule.FILE)) {
            try {
                java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(
                        intake.pathOf(file(group, batch, name)), java.nio.file.attribute.BasicFileAttributes.class);
                stamps.add(a.lastModifiedTime() + "/" + a.size() + "/" + a.fileKey());
            } catch (java.io.IOException e) {
                stamps.add("-");
            }
        }
        return new ViewStamp(version, stamps);
    }

    /** Deletes the batch and every file it has; refused while anything of it is in flight. */
    public synchronized Map<String, Object> delete(String group, String batch) {
        Loaded l = load(group, batch);
        List<Job> jobs = items(l);
        requireNothingInFlight(l, jobs, "delete it");
        IntakeOutcome d = intake.delete(jobs.stream().map(Job::ref).toList(), Optional.empty());
        if (!d.refused().isEmpty()) {
            throw BatchProblem.conflict("batch " + l.key() + " cannot be deleted: " + d.refusals());
        }
        Map<TreeFile, Optional<String>> gone = new LinkedHashMap<>();
        for (String name : List.of(BatchDefinition.FILE, BatchRelease.FILE, Schedule.FILE)) {
            gone.put(file(group, batch, name), Optional.empty());
        }
        ItemSource.files().forEach(name -> gone.put(file(group, batch, name), Optional.empty()));
        cache.remove(l.key());
        intake.keep(t -> gone, Optional.of("batches: delete " + l.key()));
        List<String> warnings = files.deleteBatch(group, batch);
        signals.requestCycle(l.def().environment());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deleted", l.key());
        out.put("items", d.changed().size());
        out.put("warnings", warnings);
        return out;
    }

    // --- resource, template, tasks ----------------------------------------------------------------

    /** {@link #putResource(String, String, InputStream, UploadHint)} of a GeoJSON, or of rows an upload starting with '[' holds. */
    public Map<String, Object> putResource(String group, String batch, InputStream upload) {
        return putResource(group, batch, upload, UploadHint.NONE);
    }

    /**
     * What the caller says of an upload's format (see {@link UploadFormat}): an explicit {@code format}, a file name,
     * a media type; each may be null.
     */
    public record UploadHint(String format, String fileName, String contentType) {
        public static final UploadHint NONE = new UploadHint(null, null, null);
    }

    /**
     * Keeps an uploaded GeoJSON, or CSV / JSON / JSON-lines rows, as the batch's resource and answers its analysis
     * (WEPPcloud's for GeoJSON). Without a run-id template the items are made at once ({@code item-00001}...), one
     * per feature or row; with one, the earlier validation is stale until the template is validated again, which
     * makes the items. Bad input changes nothing.
     */
    public synchronized Map<String, Object> putResource(String group, String batch, InputStream upload, UploadHint hint) {
        Loaded l = load(group, batch);
        byte[] bytes = GeoJsonReader.readUpload(upload, settings.maxUpload(), "resource");
        Optional<RowsFormat> rows = UploadFormat.choose(hint.format(), hint.fileName(), hint.contentType(), bytes);
        ItemSource resource = rows.<ItemSource>map(f -> new ItemSource.Rows(RowsReader.read(bytes, f, "resource")))
                .orElseGet(() -> new ItemSource.Features(GeoJsonReader.parse(bytes, "resource")));
        Object analysis = resource.analysis();
        List<Job> jobs = items(l);
        requireNothingInFlight(l, jobs, "change its resource");
        BatchDefinition def = l.def().withResource(new BatchDefinition.ResourceInfo(resource.file(), "resource",
                resource.checksum(), resource.sizeBytes(), resource.count()));
        Map<TreeFile, Optional<String>> f = new LinkedHashMap<>();
        for (String other : ItemSource.files()) {
            if (!other.equals(resource.file())) {
                f.put(file(group, batch, other), Optional.empty());
            }
        }
        f.put(file(group, batch, resource.file()), Optional.of(new String(bytes, StandardCharsets.UTF_8)));
        f.put(file(group, batch, BatchDefinition.FILE), Optional.of(Json.write(def)));
        intake.keep(t -> f, Optional.of("batches: resource of " + l.key()));
        cache.put(l.key(), resource);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("analysis", analysis);
        Loaded now = load(group, batch);
        if (def.template() == null || def.template().isBlank()) {
            out.put("items", syncItems(now, resource, defaultIds(resource.count())).size());
        } else {
            out.put("template_stale", def.validation() != null && !def.validation().holdsFor(resource.checksum()));
            if (def.validation() == null || !def.validation().holdsFor(resource.checksum())) {
                out.put("warning", "the batch's run-id template must be validated again for this resource");
            }
        }
        return out;
    }

    /**
     * Validates a run-id template over every feature of the resource and stores it with its validation; when it is
     * valid the items are made with its run ids (backlog items not among them are removed; items that ran keep
     * their state).
     */
    public synchronized RunIdValidation template(String group, String batch, String template) {
        if (template == null) {
            throw BatchInputException.field("template", "template is required");
        }
        Loaded l = load(group, batch);
        ItemSource resource = resource(l).orElseThrow(() -> BatchInputException.field("resource",
                "batch " + l.key() + " has no resource yet: upload a GeoJSON or rows first"));
        RunIdValidation v = resource.validate(template);
        BatchDefinition def = l.def().withTemplate(template, v.stamp());
        intake.keep(t -> Map.of(file(group, batch, BatchDefinition.FILE), Optional.of(Json.write(def))),
                Optional.of("batches: template of " + l.key()));
        if (v.isValid()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < v.runIds().size(); i++) {
                ids.add(jobId(v.runIds().get(i), i));
            }
            requireUnique(ids);
            syncItems(load(group, batch), resource, ids);
        } else {
            signals.requestCycle(def.environment());
        }
        return v;
    }

    /** {@code {"tasks": [...]}} replaces the tasks; {@code {"directives": {task: bool}}} switches them on or off. */
    public synchronized Map<String, Object> tasks(String group, String batch, Map<String, Object> body) {
        Loaded l = load(group, batch);
        BatchDefinition def = l.def();
        List<String> warnings = new ArrayList<>();
        if (body.get("tasks") != null) {
            TaskList list = Requests.tasks(body.get("tasks"));
            def = def.withTasks(list.tasks().stream().map(BatchDefinition.TaskSpec::of).toList(), Map.of());
        }
        if (body.get("directives") != null) {
            if (!(body.get("directives") instanceof Map<?, ?> m)) {
                throw BatchInputException.field("directives", "directives must be an object {task: true|false}");
            }
            Map<String, Object> raw = new LinkedHashMap<>();
            m.forEach((k, v) -> raw.put(String.valueOf(k), v));
            Directives d = def.taskList().apply(def.directives(), raw);
            warnings.addAll(d.warnings());
            def = def.withTasks(def.tasks(), d.enabled());
        }
        if (body.get("tasks") == null && body.get("directives") == null) {
            throw BatchInputException.field("tasks", "give tasks (a list) or directives ({task: bool})");
        }
        BatchDefinition d = def;
        intake.keep(t -> Map.of(file(group, batch, BatchDefinition.FILE), Optional.of(Json.write(d))),
                Optional.of("batches: tasks of " + l.key()));
        signals.requestCycle(d.environment());
        Map<String, Object> out = new LinkedHashMap<>(BatchViews.tasks(d));
        out.put("warnings", warnings);
        return out;
    }

    // --- running ---------------------------------------------------------------------------------

    /**
     * Starts the batch: every item not done (with force rebuild every item) from {@code from_item} on goes to the
     * backlog with a fresh script, and the environment is asked for a cycle at once. With {@code at} the start is
     * only scheduled.
     */
    public synchronized Map<String, Object> start(String group, String batch, Map<String, Object> body) {
        Loaded l = load(group, batch);
        String fromItem = text(body, "from_item");
        boolean force = Requests.bool(body, "force_rebuild");
        String at = text(body, "at");
        if (at != null && !at.isBlank()) {
            Instant when = Schedule.parseAt(at, clock);
            checkStartable(l);
            Schedule s = new Schedule(when.toString(), fromItem, force);
            intake.keep(t -> Map.of(file(group, batch, Schedule.FILE), Optional.of(Json.write(s))),
                    Optional.of("batches: schedule " + l.key() + " at " + when));
            signals.requestCycle(l.def().environment());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scheduled", s);
            return out;
        }
        return startNow(l, fromItem, force);
    }

    private Map<String, Object> startNow(Loaded l, String fromItem, boolean force) {
        checkStartable(l);
        List<Job> jobs = items(l);
        if (jobs.isEmpty()) {
            throw BatchInputException.field("resource", "batch " + l.key() + " has no items: upload a resource first");
        }
        if (l.release().started() && jobs.stream().anyMatch(j -> j.state().equals(State.QUEUED))) {
            throw BatchProblem.conflict("batch " + l.key() + " is running; abort it first or wait until it ends");
        }
        Map<String, Integer> pos = l.release().positions();
        int from = 0;
        if (fromItem != null && !fromItem.isBlank()) {
            Integer p = pos.get(fromItem);
            if (p == null) {
                throw BatchProblem.notFound("batch " + l.key() + " has no item '" + BatchNames.printable(fromItem) + "'");
            }
            from = p;
        }
        int f = from;
        List<Job> again = jobs.stream().filter(j -> pos.getOrDefault(j.ref().jobId(), Integer.MAX_VALUE) >= f)
                .filter(j -> j.state().equals(State.FAILED) || j.state().equals(State.ABORTED)
                        || force && j.state().equals(State.COMPLETED)).toList();
        if (!again.isEmpty()) {
            IntakeOutcome o = intake.toBacklog(again.stream().map(j -> new Intake.Resubmission(j.ref())).toList(),
                    "batch started" + (force ? " with force rebuild" : ""), Optional.empty(), force);
            if (!o.refused().isEmpty()) {
                LOG.warn("Start of {}: {}", l.key(), o.refusals());
            }
        }
        // the index changed only when jobs were sent back
        List<Job> toRun = (again.isEmpty() ? jobs : items(l)).stream().filter(j -> j.state().equals(State.BACKLOG))
                .filter(j -> pos.getOrDefault(j.ref().jobId(), Integer.MAX_VALUE) >= f).toList();
        // scripts are written when items are made; again only when what they run changed, or to force a rebuild
        boolean fresh = !force && l.def().scriptKey().equals(l.def().scriptsFor());
        if (!fresh) {
            files.writeScripts(l.def(), features(l, toRun), force);
        }
        BatchDefinition def = l.def().withRun(Instant.now(clock).toString(), null, force)
                .withScriptsFor(force ? null : l.def().scriptKey());
        BatchRelease release = l.release().withStart(true, from);
        intake.keep(t -> {
            Map<TreeFile, Optional<String>> m = new LinkedHashMap<>();
            m.put(file(l.group(), l.batch(), BatchDefinition.FILE), Optional.of(Json.write(def)));
            m.put(file(l.group(), l.batch(), BatchRelease.FILE), Optional.of(release.toJson()));
            return m;
        }, Optional.of("batches: start " + l.key() + (from > 0 ? " at " + fromItem : "") + (force ? " (force rebuild)" : "")));
        signals.requestCycle(def.environment());
        LOG.info("Started batch {}: {} items to run{}", l.key(), toRun.size(), force ? ", force rebuild" : "");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("started", l.key());
        out.put("items", toRun.size());
        out.put("from_item", fromItem);
        out.put("force_rebuild", force);
        return out;
    }

    /** Cancels a scheduled start. */
    public synchronized Map<String, Object> unschedule(String group, String batch) {
        Loaded l = load(group, batch);
        Optional<Schedule> s = schedule(l);
        if (s.isEmpty()) {
            throw BatchProblem.notFound("batch " + l.key() + " has no scheduled start");
        }
        intake.keep(t -> Map.of(file(group, batch, Schedule.FILE), Optional.empty()),
                Optional.of("batches: cancel the scheduled start of " + l.key()));
        signals.requestCycle(l.def().environment());
        return Map.of("cancelled", s.get());
    }

    /** Aborts the running items and releases nothing more until Start again. */
    public synchronized Map<String, Object> abort(String group, String batch) {
        Loaded l = load(group, batch);
        intake.keep(t -> Map.of(file(group, batch, BatchRelease.FILE), Optional.of(l.release().withStart(false, 0).toJson())),
                Optional.of("batches: abort " + l.key()));
        List<JobRef> running = items(l).stream().filter(j -> j.state().equals(State.QUEUED)).map(Job::ref).toList();
        IntakeOutcome o = intake.abort(running, "batch aborted by an operator", Optional.empty());
        signals.requestCycle(l.def().environment());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("aborted", o.changed().stream().map(JobRef::jobId).toList());
        out.put("refused", o.refused().stream().map(IntakeOutcome.Refusal::toString).toList());
        return out;
    }

    /** Failed and aborted items back to the backlog with a fresh script; a started batch runs them. */
    public synchronized Map<String, Object> retry(String group, String batch) {
        Loaded l = load(group, batch);
        List<Job> again = items(l).stream().filter(j -> j.state().equals(State.FAILED) || j.state().equals(State.ABORTED)).toList();
        files.writeScripts(l.def(), features(l, again), false);
        IntakeOutcome o = intake.toBacklog(again.stream().map(j -> new Intake.Resubmission(j.ref())).toList(),
                "retried by an operator", Optional.of("batches: retry " + again.size() + " items of " + l.key()));
        if (l.def().endedAt() != null) {
            BatchDefinition def = l.def().withRun(l.def().startedAt(), null, false);
            intake.keep(t -> Map.of(file(group, batch, BatchDefinition.FILE), Optional.of(Json.write(def))), Optional.empty());
        }
        signals.requestCycle(l.def().environment());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("retried", o.changed().stream().map(JobRef::jobId).toList());
        out.put("started", l.release().started());
        return out;
    }

    // --- items -----------------------------------------------------------------------------------

    public Map<String, Object> item(String group, String batch, String jobId) {
        Loaded l = load(group, batch);
        Job j = job(l, jobId);
        Map<String, Object> out = new LinkedHashMap<>(BatchViews.item(j, files.metadataStatus(j)));
        out.put("params", intake.read(t -> t.readParams(j)));
        out.put("run_metadata", files.metadata(j.ref()).orElse(null));
        out.put("work_dir", files.workDir(j.ref()).toString());
        return out;
    }

    /** Kills the item's process tree; it ends as aborted and the next item starts. */
    public synchronized Map<String, Object> abortItem(String group, String batch, String jobId) {
        Loaded l = load(group, batch);
        Job j = job(l, jobId);
        IntakeOutcome o = intake.abort(List.of(j.ref()), "item aborted by an operator",
                Optional.of("batches: abort " + j.ref()));
        if (!o.refused().isEmpty()) {
            throw BatchProblem.conflict(o.refusals());
        }
        signals.requestCycle(l.def().environment());
        return Map.of("aborted", j.ref().jobId());
    }

    /** Deletes the item with every file it has; refused while it runs. */
    public synchronized Map<String, Object> deleteItem(String group, String batch, String jobId) {
        Loaded l = load(group, batch);
        Job j = job(l, jobId);
        IntakeOutcome o = intake.delete(List.of(j.ref()), Optional.of("batches: delete " + j.ref()));
        if (!o.refused().isEmpty()) {
            throw BatchProblem.conflict(o.refusals());
        }
        List<String> warnings = files.deleteItem(j.ref());
        signals.requestCycle(l.def().environment());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deleted", j.ref().jobId());
        out.put("warnings", warnings);
        return out;
    }

    /** The last {@code tail} lines of the item's newest run's stdout or stderr (local environments). */
    public String log(String group, String batch, String jobId, String stream, int tail) {
        Loaded l = load(group, batch);
        Job j = job(l, jobId);
        if (!"stdout".equals(stream) && !"stderr".equals(stream)) {
            throw BatchInputException.field("stream", "stream must be stdout or stderr");
        }
        if (tail < 1 || tail > 100_000) {
            throw BatchInputException.field("tail", "tail must be between 1 and 100000");
        }
        return files.log(j, stream, tail).orElseThrow(() -> BatchProblem.notFound("item " + j.ref()
                + " has no " + stream + " here (it has not run on a local environment)"));
    }

    /** The cluster export: {@code jobs_<timestamp>/<job_id>.sh} per item and {@code submit-all.sh}, as tar.gz. */
    public ClusterExport.Archive export(String group, String batch) {
        Loaded l = load(group, batch);
        List<String> ids = ordered(l, items(l)).stream().map(j -> j.ref().jobId()).toList();
        if (ids.isEmpty()) {
            throw BatchInputException.field("resource", "batch " + l.key() + " has no items to export");
        }
        List<ExportItem> items = new ArrayList<>();
        features(l, ordered(l, items(l))).forEach((id, feature) ->
                items.add(new ExportItem(files.itemRun(l.def(), id, feature, false), SlurmResources.NONE)));
        return ClusterExport.build(new ExportRequest(group, batch, Instant.now(clock), settings.prefixCommands(),
                l.def().resources(), items));
    }

    // --- what the routes call on their own: schedules due, batches that ended -----------------------

    /** Starts the batches whose scheduled time has come (each once: its schedule is removed first). */
    public synchronized List<Notification> fireDueSchedules() {
        List<Notification> out = new ArrayList<>();
        Instant now = Instant.now(clock);
        for (Loaded l : loadedBatches()) {
            Optional<Schedule> s = schedule(l);
            if (s.isEmpty() || Instant.parse(s.get().at()).isAfter(now)) {
                continue;
            }
            intake.keep(t -> Map.of(file(l.group(), l.batch(), Schedule.FILE), Optional.empty()), Optional.empty());
            try {
                startNow(load(l.group(), l.batch()), s.get().fromItem(), s.get().forceRebuild());
                out.add(Notification.info("batch " + l.key() + " started as scheduled for " + s.get().at()));
            } catch (RuntimeException e) {
                out.add(Notification.warning("batch " + l.key() + " could not start as scheduled for " + s.get().at()
                        + ": " + e.getMessage()));
                signals.requestCycle(l.def().environment());
            }
        }
        return out;
    }

    /** The summary (total, completed, failed, aborted, time) of each batch that ended since the last call. */
    public synchronized List<Notification> endedBatches() {
        List<Notification> out = new ArrayList<>();
        for (Loaded l : loadedBatches()) {
            if (l.def().startedAt() == null || l.def().endedAt() != null) {
                continue;
            }
            List<Job> jobs = items(l);
            Map<String, Integer> pos = l.release().positions();
            boolean running = jobs.stream().anyMatch(j -> j.state().equals(State.QUEUED));
            boolean waiting = l.release().started() && jobs.stream().anyMatch(j -> j.state().equals(State.BACKLOG)
                    && pos.getOrDefault(j.ref().jobId(), Integer.MAX_VALUE) >= l.release().from());
            if (running || waiting) {
                continue;
            }
            Instant end = Instant.now(clock);
            BatchDefinition def = l.def().withRun(l.def().startedAt(), end.toString(), l.def().forceRebuild());
            intake.keep(t -> Map.of(file(l.group(), l.batch(), BatchDefinition.FILE), Optional.of(Json.write(def))),
                    Optional.of("batches: " + l.key() + " ended"));
            out.add(BatchViews.summary(l, jobs, Instant.parse(l.def().startedAt()), end));
            signals.requestCycle(l.def().environment());
        }
        return out;
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** A batch as read from its folder. */
    record Loaded(String group, String batch, BatchDefinition def, BatchRelease release) {
        String key() {
            return group + "/" + batch;
        }
    }

    private Loaded load(String group, String batch) {
        if (!JobRef.isSafeName(group) || !JobRef.isSafeName(batch)) {
            throw BatchProblem.notFound("no batch " + BatchNames.printable(String.valueOf(group)) + "/"
                    + BatchNames.printable(String.valueOf(batch)));
        }
        return intake.read(t -> {
            Optional<String> def = t.read(file(group, batch, BatchDefinition.FILE));
            if (def.isEmpty()) {
                throw BatchProblem.notFound("no batch " + group + "/" + batch + " (a batch people drive has "
                        + BatchDefinition.FILE + " in its folder)");
            }
            BatchDefinition d = Json.read(def.get(), BatchDefinition.class, t.pathOf(file(group, batch, BatchDefinition.FILE)).toString());
            TreeFile rf = file(group, batch, BatchRelease.FILE);
            BatchRelease r = t.read(rf).map(x -> BatchRelease.parse(x, t.pathOf(rf).toString()))
                    .orElse(BatchRelease.notStarted(d.environment(), d.parallel(), List.of()));
            return new Loaded(group, batch, d, r);
        });
    }

    /**
     * Every batch people drive that loads; one whose files do not (a broken batch.json an operator is fixing) is left
     * out here, and its own calls say what is wrong with it.
     */
    private List<Loaded> loadedBatches() {
        List<Loaded> out = new ArrayList<>();
        for (String[] gb : managedBatches()) {
            try {
                out.add(load(gb[0], gb[1]));
            } catch (RuntimeException e) {
                LOG.debug("Batch {}/{} left out: {}", gb[0], gb[1], e.getMessage());
            }
        }
        return out;
    }

    private List<String[]> managedBatches() {
        return intake.read(t -> {
            List<String[]> out = new ArrayList<>();
            for (String g : t.groups()) {
                for (String b : t.batchesWithFile(g, BatchDefinition.FILE)) {
                    out.add(new String[] {g, b});
                }
            }
            return out;
        });
    }

    private List<Job> items(Loaded l) {
        List<Job> jobs = intake.read(t -> t.index().all().stream()
                .filter(j -> j.ref().group().equals(l.group()) && j.ref().batch().equals(l.batch())).toList());
        return ordered(l, jobs);
    }

    /**
     * The batch's jobs in its release order, then those the order does not list (added since) by id. Each job is put
     * in its place rather than sorted: a Start of 10,000 items did this twice, with two map lookups per comparison.
     */
    private static List<Job> ordered(Loaded l, List<Job> jobs) {
        Map<String, Integer> pos = l.release().positions();
        Job[] placed = new Job[l.release().order().size()];
        List<Job> rest = new ArrayList<>();
        for (Job j : jobs) {
            Integer p = pos.get(j.ref().jobId());
            if (p == null) {
                rest.add(j);
            } else {
                placed[p] = j; // a batch's job ids are unique, and so are their places
            }
        }
        rest.sort(Comparator.comparing(j -> j.ref().jobId()));
        List<Job> out = new ArrayList<>(jobs.size());
        for (Job j : placed) {
            if (j != null) {
                out.add(j);
            }
        }
        out.addAll(rest);
        return out;
    }

    private Job job(Loaded l, String jobId) {
        if (jobId == null || !JobRef.isSafeName(jobId)) {
            throw BatchProblem.notFound("batch " + l.key() + " has no item '" + BatchNames.printable(String.valueOf(jobId)) + "'");
        }
        JobRef ref = new JobRef(l.group(), l.batch(), jobId);
        return intake.read(t -> t.index().get(ref)).orElseThrow(() -> BatchProblem.notFound("batch " + l.key()
                + " has no item '" + jobId + "'"));
    }

    private Optional<Schedule> schedule(Loaded l) {
        TreeFile f = file(l.group(), l.batch(), Schedule.FILE);
        return intake.read(t -> t.read(f)).map(s -> Json.read(s, Schedule.class, f.toString()));
    }

    /**
     * The batch's resource, parsed once per upload: kept by batch while its checksum is the one batch.json names
     * (another daemon's or an operator's upload shows up as a new checksum and is read again).
     */
    private Optional<ItemSource> resource(Loaded l) {
        BatchDefinition.ResourceInfo info = l.def().resource();
        if (info == null) {
            return Optional.empty();
        }
        ItemSource cached = cache.get(l.key());
        if (cached != null && cached.checksum().equals(info.checksum()) && cached.file().equals(info.file())) {
            return Optional.of(cached);
        }
        String name = info.file() == null ? RESOURCE_FILE : info.file();
        TreeFile f = file(l.group(), l.batch(), name);
        Optional<String> text = intake.read(t -> t.read(f));
        Optional<ItemSource> r = text.map(s -> s.getBytes(StandardCharsets.UTF_8)).map(b -> RowsFormat.ofFile(name)
                .<ItemSource>map(fmt -> new ItemSource.Rows(RowsReader.read(b, fmt, name)))
                .orElseGet(() -> new ItemSource.Features(GeoJsonReader.parse(b, name))));
        r.ifPresent(x -> cache.put(l.key(), x));
        return r;
    }

    /** Each item's feature or row (by the {@code index} in its params.json), in the items' order. */
    private Map<String, Optional<Map<String, Object>>> features(Loaded l, List<Job> jobs) {
        Optional<ItemSource> r = resource(l);
        Map<String, Optional<Map<String, Object>>> out = new LinkedHashMap<>();
        for (Job j : jobs) {
            Optional<Map<String, Object>> feature = Optional.empty();
            if (r.isPresent()) {
                Object index = intake.read(t -> t.readParams(j)).get("index");
                if (index instanceof Integer i && i >= 0 && i < r.get().count()) {
                    feature = Optional.of(r.get().payload(i));
                }
            }
            out.put(j.ref().jobId(), feature);
        }
        return out;
    }

    private static List<String> defaultIds(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(String.format("item-%05d", i + 1));
        }
        return ids;
    }

    private void checkStartable(Loaded l) {
        if (l.def().template() != null && !l.def().template().isBlank()) {
            if (l.def().validation() == null) {
                throw BatchInputException.field("template", "the run-id template has not been validated; validate it first");
            }
            l.def().validation().requireCurrent(l.def().resource() == null ? null : l.def().resource().checksum());
        }
    }

    private static void requireNothingInFlight(Loaded l, List<Job> jobs, String what) {
        List<String> running = jobs.stream().filter(j -> j.state().equals(State.QUEUED)).map(j -> j.ref().jobId()).toList();
        if (!running.isEmpty()) {
            throw BatchProblem.conflict("batch " + l.key() + " has " + running.size() + " items in flight ("
                    + String.join(", ", running.subList(0, Math.min(5, running.size()))) + "); abort them or wait"
                    + " before you " + what);
        }
    }

    /**
     * Makes the batch's items: backlog items are made anew (so their parameters follow the resource), items that
     * ran keep their state, backlog items no longer among them are removed; the order follows the batch's
     * {@code order_by} (largest first) or the resource's. New items get their scripts.
     */
    private List<String> syncItems(Loaded l, ItemSource resource, List<String> ids) {
        List<Job> jobs = items(l);
        requireNothingInFlight(l, jobs, "change its items");
        List<JobRef> drop = jobs.stream().filter(j -> j.state().equals(State.BACKLOG)).map(Job::ref).toList();
        java.util.Set<String> kept = new java.util.HashSet<>();
        jobs.stream().filter(j -> !j.state().equals(State.BACKLOG)).forEach(j -> kept.add(j.ref().jobId()));
        if (!drop.isEmpty()) {
            IntakeOutcome d = intake.delete(drop, Optional.empty());
            if (!d.refused().isEmpty()) {
                throw BatchProblem.conflict("batch " + l.key() + ": " + d.refusals());
            }
        }
        List<Integer> order = ItemOrder.of(resource, l.def().orderBy());
        List<String> orderedIds = order.stream().map(ids::get).toList();
        List<NewJob> add = new ArrayList<>();
        for (int i : order) {
            String id = ids.get(i);
            if (kept.contains(id)) {
                continue;
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("index", i);
            params.put("run_id", id);
            params.put("properties", resource.properties(i));
            params.put(RUNNER_PARAM, files.script(new JobRef(l.group(), l.batch(), id)).toString());
            add.add(new NewJob(new JobRef(l.group(), l.batch(), id), (Json.write(params)).getBytes(StandardCharsets.UTF_8)));
        }
        Map<String, Optional<Map<String, Object>>> scripts = new LinkedHashMap<>();
        for (int i : order) {
            if (!kept.contains(ids.get(i))) {
                scripts.put(ids.get(i), Optional.of(resource.payload(i)));
            }
        }
        files.writeScripts(l.def(), scripts, false);
        IntakeOutcome a = intake.add(new Addition(add, Map.of(), Optional.empty()));
        if (!a.refused().isEmpty()) {
            throw BatchProblem.conflict("batch " + l.key() + ": " + a.refusals());
        }
        BatchRelease release = l.release().withOrder(orderedIds);
        BatchDefinition ended = l.def().endedAt() != null ? l.def().withRun(l.def().startedAt(), null, false) : l.def();
        boolean allCurrent = kept.isEmpty() || ended.scriptKey().equals(ended.scriptsFor());
        BatchDefinition def = ended.withScriptsFor(allCurrent ? ended.scriptKey() : null);
        intake.keep(t -> {
            Map<TreeFile, Optional<String>> m = new LinkedHashMap<>();
            m.put(file(l.group(), l.batch(), BatchRelease.FILE), Optional.of(release.toJson()));
            m.put(file(l.group(), l.batch(), BatchDefinition.FILE), Optional.of(Json.write(def)));
            return m;
        }, Optional.of("batches: " + add.size() + " items of " + l.key()));
        signals.requestCycle(l.def().environment());
        return orderedIds;
    }

    /**
     * A run id as a job folder name: the item's job id is its run id, with each space as '_' (job folders have no
     * spaces: shells, Slurm job names and Git paths all take them apart).
     */
    static String jobId(String runId, int index) {
        String id = runId.replace(' ', '_');
        if (!JobRef.isSafeName(id)) {
            throw BatchInputException.at("template", index, "feature " + index + ": run id '"
                    + BatchNames.printable(runId) + "' cannot name a job folder");
        }
        return id;
    }

    private static void requireUnique(List<String> ids) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            Integer first = seen.putIfAbsent(ids.get(i), i);
            if (first != null) {
                throw BatchInputException.at("template", i, "features " + first + " and " + i + " make the same job id '"
                        + ids.get(i) + "' once spaces become '_'");
            }
        }
    }

    private static TreeFile file(String group, String batch, String name) {
        return TreeFile.ofBatch(group, batch, name);
    }

    private static String text(Map<String, Object> body, String key) {
        Object v = body == null ? null : body.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw BatchInputException.field(key, key + " must be a string");
        }
        return s;
    }

    static List<Task> enabledTasks(BatchDefinition def) {
        return def.taskList().enabled(def.directives());
    }
}
