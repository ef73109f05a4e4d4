package dev.caravan.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.ReservedNames;
import dev.caravan.model.State;
import dev.caravan.engine.Addition;
import dev.caravan.engine.Cycles;
import dev.caravan.engine.FolderIntake;
import dev.caravan.engine.Intake;
import dev.caravan.engine.IntakeOutcome;
import dev.caravan.engine.JobSink;
import dev.caravan.engine.NewJob;
import dev.caravan.model.TreeFile;
import dev.caravan.tracking.TreeView;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code caravan import --group G --batch B|auto --from FILE [--unique-key FIELD]}: turns each row of
 * a CSV, JSON-lines or JSON-array file (see {@link InputRows}) into one backlog job
 * {@code jobs/<group>/<batch>/backlog/job.NNNN/params.json}.
 *
 * <ul>
 *   <li>Job ids are {@code job.0001}, {@code job.0002}, ... (four digits, more beyond 9999), numbered after
 *   the highest existing {@code job.N} of that group and batch in any state, so a second import into a
 *   batch continues its numbering.</li>
 *   <li>{@code params.json} holds the row's fields in the row's order, two-space indented. CSV values stay
 *   strings (no type guessing); JSON values are kept as given.</li>
 *   <li>{@code --batch auto} is today's date by the clock, in UTC ({@code 2021-07-09}); when the group already
 *   has a batch of that name, the first free of {@code 2021-07-09a} ... {@code 2021-07-09z}; past {@code z} it
 *   is an error.</li>
 *   <li>{@code --unique-key FIELD}: every row must have a value for FIELD, and no value may already be in a
 *   {@code params.json} of the group (any batch, any state) nor repeat within the file. Arrays count each
 *   element, values compare as described in {@link UniqueValues}. The error lists every refused row.</li>
 *   <li>{@code jobs/<group>/<batch>/batch-summary.tsv} gets one line per new job, appended when the file
 *   exists: {@code <job_id> TAB <value>}, where value is the row's --unique-key value (the elements joined with
 *   {@code ,} when it is an array) or, without --unique-key, the value of the row's first field. Tabs and
 *   line breaks in the value become spaces. (ICGC's own summaries have more columns; Caravan appends to this file
 *   as text and never parses it.)</li>
 * </ul>
 *
 * <p>Everything is checked first (names, the whole file, uniqueness, the folders to write); any problem
 * is a {@link BadInputException} naming the option, or the file and line, and nothing is written. The
 * tree is read through a {@link TreeView}; the jobs are added through a {@link JobSink}: the engine's
 * intake (the configured clone, committed by the commit route) or an operator's folder.
 */
public final class Importer {

    public static final String SUMMARY = "batch-summary.tsv";

    private static final Pattern JOB_ID = Pattern.compile("job\\.(\\d{1,18})");

    private final Clock clock;

    public Importer(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Validates everything first, then adds the jobs and the batch summary as one addition, with the commit message
     * {@code [import] G/B: N jobs from FILE}; on any error throws {@link BadInputException} and writes nothing.
     */
    public ImportResult importJobs(ImportRequest request, JobSink sink) {
        Plan[] planned = new Plan[1];
        IntakeOutcome o = sink.add(view -> {
            Plan p = plan(request, view);
            planned[0] = p;
            List<NewJob> jobs = new ArrayList<>(p.jobs().size());
            for (int i = 0; i < p.jobs().size(); i++) {
                jobs.add(new NewJob(p.jobs().get(i), p.params().get(i)));
            }
            return new Addition(jobs, Map.of(TreeFile.ofBatch(p.group(), p.batch(), SUMMARY), p.summary()),
                    Optional.of("[import] " + p.group() + "/" + p.batch() + ": " + p.jobs().size() + " jobs from "
                            + request.from().getFileName()));
        });
        if (!o.refused().isEmpty()) {
            throw new BadInputException(o.refusals() + "; nothing was imported");
        }
        Plan p = planned[0];
        return new ImportResult(p.group(), p.batch(), p.jobs(), o.touched());
    }

    /** Into the configured clone: the jobs through the engine's intake, committed by the commit route. */
    public ImportResult intoClone(ImportRequest request, Intake intake, Cycles cycles) {
        ImportResult r = importJobs(request, intake);
        cycles.commit();
        return r;
    }

    /**
     * Into an operator's folder ({@code --tracking DIR}): a clone of the admin branch, committed on its current branch
     * for the operator to push, or a plain folder. Empty while a daemon holds the folder's cycle lock.
     */
    public Optional<ImportResult> intoFolder(ImportRequest request, Path dir) {
        Optional<FolderIntake> folder = FolderIntake.open(dir);
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        try (FolderIntake in = folder.get()) {
            return Optional.of(importJobs(request, in));
        }
    }

    /**
     * Everything an import will write, fully checked, with nothing written yet.
     *
     * @param params  the bytes of each job's params.json, in the order of {@code jobs}
     * @param summary the whole new content of batch-summary.tsv (the old content plus the new lines)
     */
    record Plan(String group, String batch, List<JobRef> jobs, List<byte[]> params, String summary) {
    }

    /** The checking half of {@link #importJobs}: reads the input and the tree, writes nothing. */
    Plan plan(ImportRequest request, TreeView tree) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(tree, "tree");
        String group = request.group();
        requireSafe("--group", group);
        String batchArg = request.batch();
        if (batchArg == null || batchArg.isEmpty()) {
            throw new BadInputException("--batch is required (a batch name or '" + ImportRequest.AUTO + "')");
        }
        if (!ImportRequest.AUTO.equals(batchArg)) {
            requireSafe("--batch", batchArg);
        }
        Optional<String> key = request.uniqueKey();
        if (key.isPresent() && key.get().isBlank()) {
            throw new BadInputException("--unique-key must name a field");
        }
        if (request.from() == null) {
            throw new BadInputException("--from is required");
        }
        tree.notAFolder(group, Optional.empty(), Optional.empty()).ifPresent(p -> notAFolder("--group " + group, p));

        List<InputRows.Row> rows = InputRows.read(request.from());

        String batch = ImportRequest.AUTO.equals(batchArg) ? autoBatch(tree, group) : batchArg;
        tree.notAFolder(group, Optional.of(batch), Optional.of(State.BACKLOG)).ifPresent(p -> notAFolder("--batch " + batch, p));

        key.ifPresent(k -> checkUnique(rows, k, group, tree, request.from().toString()));

        long first = highestJobNumber(tree, group, batch) + 1;
        List<JobRef> refs = new ArrayList<>(rows.size());
        List<byte[]> params = new ArrayList<>(rows.size());
        StringBuilder summary = new StringBuilder(tree.read(TreeFile.ofBatch(group, batch, SUMMARY)).orElse(""));
        if (summary.length() > 0 && summary.charAt(summary.length() - 1) != '\n') {
            summary.append('\n');
        }
        for (int i = 0; i < rows.size(); i++) {
            InputRows.Row row = rows.get(i);
            JobRef ref = new JobRef(group, batch, jobId(first + i));
            refs.add(ref);
            params.add(PrettyJson.write(row.fields()).getBytes(StandardCharsets.UTF_8));
            summary.append(ref.jobId()).append('\t').append(summaryValue(row.fields(), key)).append('\n');
        }
        return new Plan(group, batch, List.copyOf(refs), params, summary.toString());
    }

    /** {@code job.0001}: four digits at least. */
    static String jobId(long n) {
        return String.format("job.%04d", n);
    }

    private static void requireSafe(String option, String name) {
        try {
            if ("--group".equals(option)) {
                new JobRef(name, "b", "j");
            } else {
                new JobRef("g", name, "j");
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + e.getMessage(), e);
        }
        ReservedNames.problem(option.substring(2), name).ifPresent(p -> {
            throw new BadInputException(option + ": " + p);
        });
    }

    private static void notAFolder(String what, Path p) {
        throw new BadInputException(what + ": " + p + " exists and is not a folder");
    }

    /** Today's date (UTC), or with the first free suffix a..z when the group has a batch of that name. */
    private String autoBatch(TreeView tree, String group) {
        String date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        Set<String> known = new HashSet<>();
        for (Job j : tree.index().all()) {
            if (j.ref().group().equals(group)) {
                known.add(j.ref().batch());
            }
        }
        List<String> candidates = new ArrayList<>(27);
        candidates.add(date);
        for (char c = 'a'; c <= 'z'; c++) {
            candidates.add(date + c);
        }
        for (String name : candidates) {
            if (!known.contains(name) && !tree.hasBatchFolder(group, name)) {
                return name;
            }
        }
        throw new BadInputException("--batch auto: group " + group + " already has batches " + date + " and "
                + date + "a to " + date + "z; name the batch with --batch");
    }

    /** The highest {@code job.N} of the batch in any state, from the index and the folders on disk; 0 if none. */
    private static long highestJobNumber(TreeView tree, String group, String batch) {
        long max = 0;
        for (Job j : tree.index().all()) {
            JobRef r = j.ref();
            if (r.group().equals(group) && r.batch().equals(batch)) {
                max = Math.max(max, number(r.jobId()));
            }
        }
        for (String name : tree.jobFoldersOnDisk(group, batch)) {
            max = Math.max(max, number(name));
        }
        return max;
    }

    private static long number(String jobId) {
        Matcher m = JOB_ID.matcher(jobId);
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void checkUnique(List<InputRows.Row> rows, String key, String group, TreeView tree, String file) {
        Map<String, String> existing = UniqueValues.existing(tree, group, key);
        Map<String, String> seen = new HashMap<>();
        Set<String> refusedRows = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (InputRows.Row row : rows) {
            List<String> values = UniqueValues.of(row.fields(), key);
            if (values.isEmpty()) {
                refusedRows.add(row.where());
                problems.add(row.where() + ": no value for '" + key + "'");
                continue;
            }
            for (String v : values) {
                String there = existing.get(v);
                String earlier = seen.putIfAbsent(v, row.where());
                if (there != null) {
                    refusedRows.add(row.where());
                    problems.add(row.where() + ": '" + v + "' is already in " + group + "/" + there);
                } else if (earlier != null) {
                    refusedRows.add(row.where());
                    problems.add(row.where() + ": '" + v + "' "
                            + (earlier.equals(row.where()) ? "appears twice in this row" : "repeats " + earlier));
                }
            }
        }
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder(file).append(": --unique-key ").append(key).append(": ")
                .append(refusedRows.size()).append(refusedRows.size() == 1 ? " row" : " rows")
                .append(" refused; nothing was imported");
        for (String p : problems) {
            msg.append("\n  ").append(p);
        }
        throw new BadInputException(msg.toString());
    }

    private static String summaryValue(JsonNode fields, Optional<String> key) {
        String v;
        if (key.isPresent()) {
            v = String.join(",", UniqueValues.of(fields, key.get()));
        } else {
            Iterator<Map.Entry<String, JsonNode>> it = fields.properties().iterator();
            v = it.hasNext() ? text(it.next().getValue()) : "";
        }
        return v.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(text(e)));
            return String.join(",", parts);
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
