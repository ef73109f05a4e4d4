package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.caravan.model.JobRef;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs and batches as tree names, params.json, batch-summary.tsv, and the plan as text. */
class NaccJobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void namesRunsAndBatches() {
        LocalDate d = LocalDate.of(2026, 1, 5);
        assertThat(NaccJobs.runName("copy", d, r -> false)).isEqualTo("copy-2026-01-05");
        assertThat(NaccJobs.runName("copy", d, Set.of("copy-2026-01-05", "copy-2026-01-05a")::contains))
                .isEqualTo("copy-2026-01-05b");
        assertThatThrownBy(() -> NaccJobs.runName("my gear", d, r -> false)).hasMessageContaining("cannot name a batch");
        assertThat(NaccJobs.batchName("copy-2026-01-05", 3, 12)).isEqualTo("copy-2026-01-05.b03");
        assertThat(NaccJobs.batchName("copy-2026-01-05", 3, 120)).isEqualTo("copy-2026-01-05.b003");
        assertThat(NaccJobs.runOf("copy-2026-01-05a.b03")).contains("copy-2026-01-05a");
        assertThat(NaccJobs.runOf("2021-07-09")).isEmpty();
        // batches of an earlier run sort before those of a later one, and of a second run the same day
        assertThat("copy-2026-01-05.b10").isLessThan("copy-2026-01-05a.b01").isLessThan("copy-2026-01-12.b01");
    }

    @Test
    void writesOneJobPerCenter() throws Exception {
        FlywheelView.Project src = new FlywheelView.Project("S1", "adrc-a", "retrospective-form", 12, List.of(),
                JSON.createObjectNode());
        FlywheelView.Project tgt = new FlywheelView.Project("T1", "adrc-a", "accepted", 0, List.of(), JSON.createObjectNode());
        NaccPlanner.PlannedCenter c = new NaccPlanner.PlannedCenter("adrc-a", src, tgt, 12,
                Map.of("destination_project", TextNode.valueOf("T1")), Map.of());
        BatchRunConfig cfg = BatchRunConfig.parse("{\"source\": \"retrospective-form\", \"target\": \"accepted\","
                + " \"batch_mode\": \"files\", \"batch_size\": 10, \"gear_name\": \"copy\", \"gear_configs\": {}}", "c");
        NaccPlanner.Plan plan = new NaccPlanner.Plan(cfg, new FlywheelView.Gear("G1", "copy", "1.2.3", Optional.empty()),
                List.of(List.of(c)), List.of(new Skip("adrc-x", Skip.Reason.INACTIVE, "")), List.of(), 2);
        NaccJobs.Output out = NaccJobs.jobs(plan, "copy-2026-01-05");
        JobRef ref = new JobRef("adrc-a", "copy-2026-01-05.b01", "job.0001");
        assertThat(out.jobs()).containsOnlyKeys(ref);
        JsonNode p = JSON.readTree(out.jobs().get(ref));
        assertThat(p.path("gear_id").asText()).isEqualTo("G1");
        assertThat(p.path("config").path("destination_project").asText()).isEqualTo("T1");
        assertThat(p.path("destination").path("id").asText()).isEqualTo("S1");
        assertThat(p.path("source_project").asText()).isEqualTo("adrc-a/retrospective-form");
        assertThat(p.path("file_count").asLong()).isEqualTo(12);
        assertThat(out.batchFiles()).containsEntry("adrc-a/copy-2026-01-05.b01/batch-summary.tsv",
                "job.0001\tadrc-a/retrospective-form\t12\tadrc-a/accepted\n");
        String text = NaccJobs.render(plan, "title", "copy-2026-01-05", true);
        assertThat(text).contains("1 of 2 centers in 1 batches, 12 acquisition files")
                .contains("batch copy-2026-01-05.b01: 1 center, 12 files\n  adrc-a/retrospective-form: 12 files → adrc-a/accepted")
                .contains("left out 1 center:\n• inactive (the NACC gear scheduled inactive centers too) (1): adrc-x");
    }
}
