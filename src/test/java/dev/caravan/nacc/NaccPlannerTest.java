package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.backend.BackendException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Planning over a fake Flywheel: time_interval, missing projects, file counts, inputs, the stops. */
class NaccPlannerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-12T09:00:00Z");

    private final Map<String, FlywheelView.Project> projects = new HashMap<>();
    private final Map<String, Instant> completed = new HashMap<>();
    private final ObjectNode centers = JSON.createObjectNode();
    private Optional<JsonNode> info;
    private Optional<FlywheelView.Gear> gear = Optional.of(new FlywheelView.Gear("g1", "copy", "2.0.0", Optional.empty()));
    private String failingGroup;

    private final FlywheelView view = new FlywheelView() {
        @Override
        public Optional<JsonNode> metadataInfo(String adminGroup) {
            return info;
        }

        @Override
        public Optional<Instant> lastCompleted(String group, String gearName) {
            return Optional.ofNullable(completed.get(group));
        }

        @Override
        public Optional<FlywheelView.Project> project(String group, String label) throws BackendException {
            if (group.equals(failingGroup)) {
                throw new BackendException("Flywheel: cannot look up " + group + "/" + label + ": HTTP 502");
            }
            return Optional.ofNullable(projects.get(group + "/" + label));
        }

        @Override
        public Optional<FlywheelView.Gear> latestGear(String name) {
            return gear;
        }
    };

    @BeforeEach
    void centers() {
        ObjectNode i = JSON.createObjectNode();
        i.set("centers", centers);
        info = Optional.of(i);
        center("adrc-a", 30);
        center("adrc-b", 10);
        center("adrc-c", 20);
    }

    private void center(String group, long files, String... fileNames) {
        centers.putObject(Integer.toString(centers.size() + 1)).put("group", group).put("name", group);
        project(group, "retrospective-form", files, fileNames);
        project(group, "accepted", 0);
    }

    private void project(String group, String label, long files, String... names) {
        projects.put(group + "/" + label, new FlywheelView.Project(group + "-" + label, group, label, files,
                List.of(names), JSON.createObjectNode()));
    }

    private static NaccSettings settings(String... kv) {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return NaccSettings.read(k -> Optional.ofNullable(p.get(k)));
    }

    private static BatchRunConfig config(String mode, long size, String inputs) {
        return BatchRunConfig.parse("{\"source\": \"retrospective-form\", \"target\": \"accepted\", \"substitute\": true,"
                + " \"batch_mode\": \"" + mode + "\", \"batch_size\": " + size + ", \"gear_name\": \"copy\","
                + " \"gear_configs\": {\"destination_project\": \"{{target}}\", \"src\": \"{{source}}\"}"
                + (inputs == null ? "" : ", \"gear_inputs\": " + inputs) + "}", "cfg.json");
    }

    private NaccPlanner.Plan plan(NaccSettings s, BatchRunConfig c) throws Exception {
        return new NaccPlanner(view, Clock.fixed(NOW, ZoneOffset.UTC)).plan(s, c);
    }

    private static List<List<String>> centersOf(NaccPlanner.Plan p) {
        return p.batches().stream().map(b -> b.stream().map(NaccPlanner.PlannedCenter::center).toList()).toList();
    }

    @Test
    void ordersByFileCountAndCutsBatches() throws Exception {
        NaccPlanner.Plan p = plan(settings(), config("files", 25, null));
        assertThat(centersOf(p)).containsExactly(List.of("adrc-b", "adrc-c"), List.of("adrc-a"));
        assertThat(p.files()).isEqualTo(60);
        NaccPlanner.PlannedCenter b = p.batches().get(0).get(0);
        assertThat(b.config().get("destination_project").asText()).isEqualTo("adrc-b-accepted");
        assertThat(b.config().get("src").asText()).isEqualTo("adrc-b-retrospective-form");
        assertThat(b.target().label()).isEqualTo("accepted");
        assertThat(plan(settings(), config("projects", 2, null)).batches()).hasSize(2);
    }

    @Test
    void filesModeDropsEmptyProjectsProjectsModeKeepsThem() throws Exception {
        center("adrc-e", 0);
        assertThat(plan(settings(), config("files", 1000, null)).skipped()).extracting(Skip::center, Skip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("adrc-e", Skip.Reason.NO_FILES));
        NaccPlanner.Plan projects = plan(settings(), config("projects", 1000, null));
        assertThat(centersOf(projects)).containsExactly(List.of("adrc-e", "adrc-b", "adrc-c", "adrc-a"));
    }

    @Test
    void timeIntervalSkipsCentersWithARecentCompleteRun() throws Exception {
        completed.put("adrc-a", Instant.parse("2026-01-05T23:59:00Z")); // 7 days ago by date: skipped
        completed.put("adrc-b", Instant.parse("2026-01-04T00:01:00Z")); // 8 days ago: runs
        completed.put("adrc-c", Instant.parse("2026-01-12T08:00:00Z")); // today: skipped
        NaccPlanner.Plan p = plan(settings(), config("files", 1000, null));
        assertThat(centersOf(p)).containsExactly(List.of("adrc-b"));
        assertThat(p.skipped()).extracting(Skip::center).containsExactlyInAnyOrder("adrc-a", "adrc-c");
        assertThat(p.skipped()).allSatisfy(s -> assertThat(s.reason()).isEqualTo(Skip.Reason.RECENT_RUN));
        assertThat(p.skipped()).extracting(Skip::detail).contains("ended 2026-01-05, 7 of 7 days ago");
        // -1 and 0 turn the check off
        assertThat(plan(settings("caravan.nacc.time-interval", "-1"), config("files", 1000, null)).plannedCenters()).isEqualTo(3);
        assertThat(plan(settings("caravan.nacc.time-interval", "0"), config("files", 1000, null)).plannedCenters()).isEqualTo(3);
        assertThat(plan(settings("caravan.nacc.time-interval", "6"), config("files", 1000, null)).plannedCenters()).isEqualTo(2);
    }

    @Test
    void aMissingProjectOrAnErrorSkipsThatCenterOnly() throws Exception {
        projects.remove("adrc-a/accepted");
        failingGroup = "adrc-c";
        NaccPlanner.Plan p = plan(settings(), config("files", 1000, null));
        assertThat(centersOf(p)).containsExactly(List.of("adrc-b"));
        assertThat(p.errors()).extracting(Skip::center, Skip::reason, Skip::detail).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("adrc-a", Skip.Reason.MISSING_PROJECT, "adrc-a/accepted"),
                org.assertj.core.groups.Tuple.tuple("adrc-c", Skip.Reason.ERROR,
                        "Flywheel: cannot look up adrc-c/retrospective-form: HTTP 502"));
    }

    @Test
    void gearInputsAreFoundByFileNameOnTheSourceProject() throws Exception {
        center("adrc-d", 5, "qc.json");
        NaccPlanner.Plan p = plan(settings(), config("files", 1000, "{\"cfg\": \"qc.json\"}"));
        assertThat(centersOf(p)).containsExactly(List.of("adrc-d"));
        assertThat(p.batches().get(0).get(0).inputs().get("cfg").toString())
                .isEqualTo("{\"type\":\"project\",\"id\":\"adrc-d-retrospective-form\",\"name\":\"qc.json\"}");
        assertThat(p.skipped()).hasSize(3).allSatisfy(s -> {
            assertThat(s.reason()).isEqualTo(Skip.Reason.ERROR);
            assertThat(s.detail()).endsWith("has no file qc.json (gear_inputs.cfg)");
        });
    }

    @Test
    void unknownPlaceholdersSkipTheCenterWithAnError() throws Exception {
        BatchRunConfig c = BatchRunConfig.parse("{\"source\": \"retrospective-form\", \"substitute\": true,"
                + " \"batch_mode\": \"files\", \"batch_size\": 10, \"gear_name\": \"copy\","
                + " \"gear_configs\": {\"x\": \"{{destination}}\"}}", "cfg.json");
        NaccPlanner.Plan p = plan(settings(), c);
        assertThat(p.batches()).isEmpty();
        assertThat(p.errors()).hasSize(3).extracting(Skip::detail).allMatch(d -> d.startsWith("gear_configs.x:"));
    }

    @Test
    void stopsWithoutCentersOrGear() {
        centers.removeAll();
        assertThatThrownBy(() -> plan(settings(), config("files", 10, null))).isInstanceOf(NaccPlanner.PlanException.class)
                .hasMessageContaining("no centers in info.centers of nacc/metadata");
        info = Optional.empty();
        assertThatThrownBy(() -> plan(settings(), config("files", 10, null)))
                .hasMessageContaining("no project nacc/metadata");
        centers();
        gear = Optional.empty();
        assertThatThrownBy(() -> plan(settings(), config("files", 10, null))).hasMessageContaining("no gear named copy");
    }

    @Test
    void includeAndExcludeApply() throws Exception {
        assertThat(centersOf(plan(settings("caravan.nacc.include-centers", "ADRC-C, adrc-z"), config("files", 1000, null))))
                .containsExactly(List.of("adrc-c"));
        NaccPlanner.Plan p = plan(settings("caravan.nacc.include-centers", "adrc-c, adrc-z"), config("files", 1000, null));
        assertThat(p.problems()).containsExactly("include_centers: 'adrc-z' is not in the center map of nacc/metadata");
        assertThat(centersOf(plan(settings("caravan.nacc.exclude-centers", "adrc-a", "caravan.nacc.exclude-studies", "-c"),
                config("files", 1000, null)))).containsExactly(List.of("adrc-b"));
    }
}
