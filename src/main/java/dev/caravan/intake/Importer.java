package dev.caravan.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Job;
import dev.caravan.model.JobRef;
import dev.caravan.model.State;
import dev.caravan.tracking.TrackingTree;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * tree is only read directly (listings, {@code params.json} and the existing summary); every write goes
 * through {@link TrackingTree}.
 */
public final class Importer {

    public static final String SUMMARY = "batch-summary.tsv";

    private static final Pattern JOB_ID = Pattern.compile("job\\.(\\d{1,18})");

    private final Clock clock;

    public Importer(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Validates everything first; on any error throws {@link BadInputException} and writes nothing. */
    public ImportResult importJobs(ImportRequest request, TrackingTree tree) {
        Plan plan = plan(request, tree);
        for (int i = 0; i < plan.jobs().size(); i++) {
            tree.addJob(plan.jobs().get(i), State.BACKLOG, plan.params().get(i));
        }
        tree.writeBatchFile(plan.group(), plan.batch(), SUMMARY, plan.summary());
        return new ImportResult(plan.group(), plan.batch(), plan.jobs(), tree.takeTouched());
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
    Plan plan(ImportRequest request, TrackingTree tree) {
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
        Path groupDir = tree.jobsDir().resolve(group);
        requireFolderOrAbsent(groupDir, "--group " + group);

        List<InputRows.Row> rows = InputRows.read(request.from());

        String batch = ImportRequest.AUTO.equals(batchArg) ? autoBatch(tree, group, groupDir) : batchArg;
        Path batchDir = groupDir.resolve(batch);
        Path backlogDir = batchDir.resolve(State.BACKLOG.name());
        requireFolderOrAbsent(batchDir, "--batch " + batch);
        requireFolderOrAbsent(backlogDir, "--batch " + batch);

        key.ifPresent(k -> checkUnique(rows, k, group, groupDir, request.from().toString()));

        long first = highestJobNumber(tree, group, batch, batchDir) + 1;
        List<JobRef> refs = new ArrayList<>(rows.size());
        List<byte[]> params = new ArrayList<>(rows.size());
        StringBuilder summary = new StringBuilder(existingSummary(batchDir.resolve(SUMMARY)));
        if (summary.length() > 0 && summary.charAt(summary.length() - 1) != '\n') {
            summary.append('\n');
        }
        for (int i = 0; i < rows.size(); i++) {
            InputRows.Row row = rows.get(i);
            JobRef ref = new JobRef(group, batch, jobId(first + i));
            if (Files.exists(backlogDir.resolve(ref.jobId()))) {
                throw new BadInputException("job folder " + ref + " already exists in backlog; nothing was imported");
            }
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
    }

    private static void requireFolderOrAbsent(Path p, String what) {
        if (Files.exists(p) && !Files.isDirectory(p)) {
            throw new BadInputException(what + ": " + p + " exists and is not a folder");
        }
    }

    /** Today's date (UTC), or with the first free suffix a..z when the group has a batch of that name. */
    private String autoBatch(TrackingTree tree, String group, Path groupDir) {
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
            if (!known.contains(name) && !Files.exists(groupDir.resolve(name))) {
                return name;
            }
        }
        throw new BadInputException("--batch auto: group " + group + " already has batches " + date + " and "
                + date + "a to " + date + "z; name the batch with --batch");
    }

    /** The highest {@code job.N} of the batch in any state, from the index and the folders on disk; 0 if none. */
    private static long highestJobNumber(TrackingTree tree, String group, String batch, Path batchDir) {
        long max = 0;
        for (Job j : tree.index().all()) {
            JobRef r = j.ref();
            if (r.group().equals(group) && r.batch().equals(batch)) {
                max = Math.max(max, number(r.jobId()));
            }
        }
        File[] states = batchDir.toFile().listFiles(File::isDirectory);
        if (states != null) {
            for (File s : states) {
                String[] jobs = s.list();
                if (jobs != null) {
                    for (String name : jobs) {
                        max = Math.max(max, number(name));
                    }
                }
            }
        }
        return max;
    }

    private static long number(String jobId) {
        Matcher m = JOB_ID.matcher(jobId);
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void checkUnique(List<InputRows.Row> rows, String key, String group, Path groupDir, String file) {
        Map<String, String> existing = Files.isDirectory(groupDir) ? UniqueValues.existing(groupDir, key) : Map.of();
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

    private static String existingSummary(Path p) {
        if (!Files.exists(p)) {
            return "";
        }
        if (!Files.isRegularFile(p)) {
            throw new BadInputException(p + " exists and is not a file");
        }
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + p + " to append to it: " + e.getMessage(), e);
        }
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
