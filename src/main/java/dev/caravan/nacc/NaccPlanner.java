package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.BackendException;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plans one NACC run the way the batch scheduler gear does, without submitting anything:
 * <ol>
 *   <li>the centers of {@code info.centers} in {@code <admin_group>/metadata} (none: the run stops, CRITICAL);</li>
 *   <li>include or exclude lists, inactive centers left out ({@link CenterFilter});</li>
 *   <li>{@code time_interval} &gt; 0: a center whose most recent complete job of the gear ended that many days
 *   ago or less (by UTC date, as the gear compared dates) is left out;</li>
 *   <li>the {@code <center>/<source>} and {@code <center>/<target>} projects; a missing one leaves out that center
 *   only;</li>
 *   <li>{@code batch_mode: files} leaves out projects without acquisition files; the pool is ordered by
 *   acquisition-file count, smallest first, and cut as the gear cuts it ({@link Batching});</li>
 *   <li>the gear config with {@code {{source}}} / {@code {{target}}} substituted and the {@code gear_inputs}
 *   found by file name on the source project; a problem there leaves out the center with an error.</li>
 * </ol>
 * Centers are looked up {@value #THREADS} at a time.
 */
public final class NaccPlanner {

    static final int THREADS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One center's job: its projects, what it counts for batching, its config and inputs. */
    public record PlannedCenter(String center, FlywheelView.Project source, FlywheelView.Project target,
                                long files, Map<String, JsonNode> config, Map<String, ObjectNode> inputs) {
    }

    /**
     * @param batches  in release order, each in pool order
     * @param problems things worth a WARNING that concern no single center (unknown include entries, bad map entries)
     * @param centers  how many centers the map holds
     */
    public record Plan(BatchRunConfig config, FlywheelView.Gear gear, List<List<PlannedCenter>> batches,
                       List<Skip> skipped, List<String> problems, int centers) {

        public int plannedCenters() {
            return batches.stream().mapToInt(List::size).sum();
        }

        public long files() {
            return batches.stream().flatMap(List::stream).mapToLong(PlannedCenter::files).sum();
        }

        public List<Skip> errors() {
            return skipped.stream().filter(s -> s.reason() == Skip.Reason.ERROR || s.reason() == Skip.Reason.MISSING_PROJECT).toList();
        }
    }

    /** The run cannot be planned at all (no center map, no gear, Flywheel unreachable): CRITICAL. */
    public static final class PlanException extends Exception {
        public PlanException(String message) {
            super(message);
        }
    }

    private final FlywheelView flywheel;
    private final Clock clock;

    public NaccPlanner(FlywheelView flywheel, Clock clock) {
        this.flywheel = flywheel;
        this.clock = clock;
    }

    public Plan plan(NaccSettings s, BatchRunConfig cfg) throws PlanException {
        String where = s.adminGroup() + "/metadata";
        Optional<JsonNode> info;
        try {
            info = flywheel.metadataInfo(s.adminGroup());
        } catch (BackendException e) {
            throw new PlanException("cannot read the center map in " + where + ": " + e.getMessage());
        }
        if (info.isEmpty()) {
            throw new PlanException("Flywheel has no project " + where + " (caravan.nacc.admin-group " + s.adminGroup()
                    + "); nothing scheduled");
        }
        List<String> problems = new ArrayList<>();
        List<Center> centers = Centers.parse(info.get(), where, problems);
        if (centers.isEmpty()) {
            throw new PlanException("no centers in info.centers of " + where + "; nothing scheduled"
                    + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
        }
        FlywheelView.Gear gear;
        try {
            gear = flywheel.latestGear(cfg.gearName()).orElseThrow(() -> new PlanException("Flywheel has no gear named "
                    + cfg.gearName() + " (gear_name of the batch run configs); nothing scheduled"));
        } catch (BackendException e) {
            throw new PlanException("cannot look up gear " + cfg.gearName() + ": " + e.getMessage());
        }
        CenterFilter.Result filtered = CenterFilter.select(centers, s.includeCenters(), s.excludeCenters(), s.excludeStudies());
        filtered.unknownIncluded().forEach(c -> problems.add("include_centers: '" + c + "' is not in the center map of " + where));
        List<Skip> skipped = new ArrayList<>(filtered.skipped());
        List<PlannedCenter> pool = new ArrayList<>();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);

        ExecutorService pool8 = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "nacc-plan");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Center c : filtered.selected()) {
                Callable<Object> task = () -> center(c.group(), s, cfg, today);
                futures.add(pool8.submit(task));
            }
            for (Future<Object> f : futures) {
                Object o = f.get();
                if (o instanceof PlannedCenter p) {
                    pool.add(p);
                } else {
                    skipped.add((Skip) o);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlanException("interrupted while planning");
        } catch (ExecutionException e) {
            throw new PlanException("planning failed: " + e.getCause());
        } finally {
            pool8.shutdownNow();
        }
        pool.sort(Comparator.comparingLong((PlannedCenter p) -> p.source().acquisitionFiles())
                .thenComparing(PlannedCenter::center).thenComparing(p -> p.source().label()));
        List<List<PlannedCenter>> batches = Batching.cut(pool, p -> cfg.countFiles() ? p.files() : 1, cfg.batchSize());
        return new Plan(cfg, gear, batches, skipped, problems, centers.size());
    }

    /** A {@link PlannedCenter} or a {@link Skip}. */
    private Object center(String center, NaccSettings s, BatchRunConfig cfg, LocalDate today) {
        try {
            if (s.timeInterval() > 0) {
                Optional<Instant> last = flywheel.lastCompleted(center, cfg.gearName());
                if (last.isPresent()) {
                    LocalDate ended = LocalDate.ofInstant(last.get(), ZoneOffset.UTC);
                    long days = ChronoUnit.DAYS.between(ended, today);
                    if (days <= s.timeInterval()) {
                        return new Skip(center, Skip.Reason.RECENT_RUN, "ended " + ended + ", " + days + " of "
                                + s.timeInterval() + " days ago");
                    }
                }
            }
            Optional<FlywheelView.Project> source = flywheel.project(center, cfg.source());
            if (source.isEmpty()) {
                return new Skip(center, Skip.Reason.MISSING_PROJECT, center + "/" + cfg.source());
            }
            Optional<FlywheelView.Project> target = cfg.targetLabel().equals(cfg.source()) ? source
                    : flywheel.project(center, cfg.targetLabel());
            if (target.isEmpty()) {
                return new Skip(center, Skip.Reason.MISSING_PROJECT, center + "/" + cfg.targetLabel());
            }
            FlywheelView.Project src = source.get();
            if (cfg.countFiles() && src.acquisitionFiles() <= 0) {
                return new Skip(center, Skip.Reason.NO_FILES, src.path());
            }
            Map<String, JsonNode> config;
            try {
                config = GearConfigs.substitute(cfg.gearConfigs(), cfg.substitute(),
                        Map.of("source", src.id(), "target", target.get().id()));
            } catch (IllegalArgumentException e) {
                return new Skip(center, Skip.Reason.ERROR, e.getMessage());
            }
            Map<String, ObjectNode> inputs = new LinkedHashMap<>();
            for (Map.Entry<String, String> in : cfg.gearInputs().entrySet()) {
                if (!src.files().contains(in.getValue())) {
                    return new Skip(center, Skip.Reason.ERROR, "project " + src.path() + " has no file " + in.getValue()
                            + " (gear_inputs." + in.getKey() + ")");
                }
                ObjectNode ref = JSON.createObjectNode();
                ref.put("type", "project").put("id", src.id()).put("name", in.getValue());
                inputs.put(in.getKey(), ref);
            }
            return new PlannedCenter(center, src, target.get(), src.acquisitionFiles(), config, inputs);
        } catch (BackendException e) {
            return new Skip(center, Skip.Reason.ERROR, e.getMessage());
        }
    }
}
