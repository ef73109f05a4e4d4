package dev.caravan.nacc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.engine.Addition;
import dev.caravan.engine.NewJob;
import dev.caravan.model.JobRef;
import dev.caravan.model.TreeFile;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A plan as tracking-tree jobs. A NACC run is named {@code <gear>-<yyyy-MM-dd>} (UTC; {@code a} to {@code z}
 * appended when that name is taken); its batch N is the Caravan batch {@code <run>.bNN} (zero-padded to two
 * digits, more when a run has more than 99 batches), so the environment's batch barrier releases them in
 * order. Each center is a group; its job is {@code jobs/<center>/<run>.bNN/backlog/job.0001/params.json}:
 *
 * <pre>
 * nacc_run, center, gear_name, gear_id, gear_version,
 * config                    the gear config after substitution
 * inputs                    input name → {"type": "project", "id": source project id, "name": file name}
 * destination               {"type": "project", "id": source project id}
 * source_project, source_project_id, target_project, target_project_id, file_count
 * </pre>
 *
 * and {@code batch-summary.tsv} beside it holds {@code job.0001 TAB source project TAB files TAB target project}.
 */
public final class NaccJobs {

    public static final String JOB_ID = "job.0001";
    public static final String SUMMARY = "batch-summary.tsv";
    /** {@code <run>.bNN}: group 1 is the run, group 2 the batch number. */
    public static final Pattern BATCH = Pattern.compile("(.+-\\d{4}-\\d{2}-\\d{2}[a-z]?)\\.b(\\d{2,})");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Jobs to add ({@code params.json} bytes) and batch files ({@code group/batch/name} → content). */
    public record Output(Map<JobRef, byte[]> jobs, Map<String, String> batchFiles) {

        /** For the intake: the next cycle commits them with its own message. */
        public Addition addition() {
            List<NewJob> add = new ArrayList<>();
            jobs.forEach((ref, params) -> add.add(new NewJob(ref, params)));
            Map<TreeFile, String> files = new LinkedHashMap<>();
            batchFiles.forEach((path, content) -> {
                String[] p = path.split("/", 3);
                files.put(TreeFile.ofBatch(p[0], p[1], p[2]), content);
            });
            return new Addition(add, files, Optional.empty());
        }
    }

    private NaccJobs() {
    }

    /** @param taken whether a run of that name exists already */
    public static String runName(String gear, LocalDate date, Predicate<String> taken) {
        String base = gear + "-" + date;
        if (!JobRef.isSafeName(base + ".b001")) {
            throw new IllegalArgumentException("gear_name '" + gear + "' cannot name a batch (" + base
                    + ".b01): letters, digits, '.', '_', '-' only");
        }
        if (!taken.test(base)) {
            return base;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            if (!taken.test(base + c)) {
                return base + c;
            }
        }
        throw new IllegalArgumentException("runs " + base + " and " + base + "a to " + base + "z exist already");
    }

    /** The run a batch name belongs to, when it is a NACC batch name. */
    public static Optional<String> runOf(String batch) {
        Matcher m = BATCH.matcher(batch);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static String batchName(String run, int number, int total) {
        int width = Math.max(2, Integer.toString(total).length());
        return run + ".b" + String.format("%0" + width + "d", number);
    }

    public static Output jobs(NaccPlanner.Plan plan, String run) {
        Map<JobRef, byte[]> jobs = new LinkedHashMap<>();
        Map<String, String> files = new LinkedHashMap<>();
        int total = plan.batches().size();
        for (int b = 0; b < total; b++) {
            String batch = batchName(run, b + 1, total);
            for (NaccPlanner.PlannedCenter c : plan.batches().get(b)) {
                JobRef ref = new JobRef(c.center(), batch, JOB_ID);
                jobs.put(ref, params(plan, run, c));
                files.put(c.center() + "/" + batch + "/" + SUMMARY, JOB_ID + "\t" + c.source().path() + "\t"
                        + c.files() + "\t" + c.target().path() + "\n");
            }
        }
        return new Output(jobs, files);
    }

    static byte[] params(NaccPlanner.Plan plan, String run, NaccPlanner.PlannedCenter c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("nacc_run", run);
        n.put("center", c.center());
        n.put("gear_name", plan.gear().name());
        n.put("gear_id", plan.gear().id());
        n.put("gear_version", plan.gear().version());
        ObjectNode config = n.putObject("config");
        c.config().forEach(config::set);
        ObjectNode inputs = n.putObject("inputs");
        c.inputs().forEach(inputs::set);
        n.putObject("destination").put("type", "project").put("id", c.source().id());
        n.put("source_project", c.source().path());
        n.put("source_project_id", c.source().id());
        n.put("target_project", c.target().path());
        n.put("target_project_id", c.target().id());
        n.put("file_count", c.files());
        try {
            return (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The plan as text: batches with their centers and counts (each center on a line when {@code detailed}),
     * then what was left out and why, grouped by reason.
     */
    public static String render(NaccPlanner.Plan plan, String title, String run, boolean detailed) {
        BatchRunConfig cfg = plan.config();
        StringBuilder sb = new StringBuilder(title).append('\n');
        sb.append("gear ").append(plan.gear().name()).append(' ').append(plan.gear().version())
                .append(", source ").append(cfg.source()).append(", target ").append(cfg.targetLabel())
                .append(", batch_mode ").append(cfg.batchMode()).append(", batch_size ").append(cfg.batchSize()).append('\n');
        sb.append(plan.plannedCenters()).append(" of ").append(plan.centers()).append(" centers in ")
                .append(plan.batches().size()).append(" batches, ").append(plan.files()).append(" acquisition files\n");
        int total = plan.batches().size();
        for (int b = 0; b < total; b++) {
            List<NaccPlanner.PlannedCenter> batch = plan.batches().get(b);
            long files = batch.stream().mapToLong(NaccPlanner.PlannedCenter::files).sum();
            sb.append("batch ").append(batchName(run, b + 1, total)).append(": ").append(batch.size())
                    .append(batch.size() == 1 ? " center, " : " centers, ").append(files).append(" files");
            if (detailed) {
                sb.append('\n');
                for (NaccPlanner.PlannedCenter c : batch) {
                    sb.append("  ").append(c.source().path()).append(": ").append(c.files()).append(" files");
                    if (!c.target().id().equals(c.source().id())) {
                        sb.append(" → ").append(c.target().path());
                    }
                    sb.append('\n');
                }
            } else {
                sb.append(": ").append(batch.stream().map(NaccPlanner.PlannedCenter::center).collect(Collectors.joining(", ")))
                        .append('\n');
            }
        }
        if (!plan.skipped().isEmpty()) {
            sb.append("left out ").append(plan.skipped().size()).append(plan.skipped().size() == 1 ? " center:\n" : " centers:\n");
            Map<Skip.Reason, List<Skip>> byReason = new TreeMap<>();
            plan.skipped().forEach(s -> byReason.computeIfAbsent(s.reason(), r -> new ArrayList<>()).add(s));
            byReason.forEach((reason, skips) -> sb.append("• ").append(reason.text()).append(" (").append(skips.size())
                    .append("): ").append(skips.stream().map(s -> s.detail().isEmpty() ? s.center()
                            : s.center() + " (" + s.detail() + ")").collect(Collectors.joining(", "))).append('\n'));
        }
        if (!plan.problems().isEmpty()) {
            sb.append("problems:\n");
            plan.problems().forEach(p -> sb.append("• ").append(p).append('\n'));
        }
        return sb.toString().stripTrailing();
    }
}
