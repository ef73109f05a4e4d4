package dev.caravan.nacc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure NACC rules: the center map, include/exclude, batching, config substitution. */
class NaccRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    // --- center map ----------------------------------------------------------------------------

    @Test
    void readsTheCenterMapWithTheAliases() throws Exception {
        List<String> problems = new ArrayList<>();
        List<Center> cs = Centers.parse(json("""
                {"centers": {
                  "1": {"adcid": 1, "name": "A", "group": "adrc-a"},
                  "2": {"adcid": 2, "name": "B", "center_id": "adrc-b", "is-active": false},
                  "3": {"adcid": 3, "name": "C", "center-id": "adrc-c", "is_active": "false"},
                  "4": {"adcid": 4, "name": "D", "group": "adrc-d", "active": "yes"},
                  "5": {"adcid": 5, "name": "E"},
                  "6": {"adcid": 6, "group": "adrc-f", "active": "maybe"},
                  "7": "not an object"
                }}"""), "nacc/metadata", problems);
        assertThat(cs).extracting(Center::group).containsExactly("adrc-a", "adrc-b", "adrc-c", "adrc-d");
        assertThat(cs).extracting(Center::active).containsExactly(true, false, false, true);
        assertThat(problems).containsExactly(
                "nacc/metadata info.centers.5: has no group (nor center_id, center-id)",
                "nacc/metadata info.centers.6.active: 'maybe' is not true or false",
                "nacc/metadata info.centers.7: must be an object with group and active");
        assertThat(Centers.parse(json("{}"), "m", problems)).isEmpty();
        assertThat(Centers.parse(json("{\"centers\": {}}"), "m", problems)).isEmpty();
    }

    // --- include / exclude -----------------------------------------------------------------------

    private static final List<Center> CENTERS = List.of(new Center("1", "", "adrc-a", true),
            new Center("2", "", "adrc-b", true), new Center("3", "", "adrc-b-dvcid", true),
            new Center("4", "", "adrc-c", false), new Center("5", "", "ADRC-D", true));

    @Test
    void includeListsKeepOnlyTheNamedActiveCenters() {
        CenterFilter.Result r = CenterFilter.select(CENTERS, NaccSettings.list(" ADRC-a , adrc-c,adrc-d, nowhere "),
                List.of(), List.of());
        assertThat(r.selected()).extracting(Center::group).containsExactly("adrc-a", "ADRC-D");
        assertThat(r.skipped()).extracting(Skip::center, Skip::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("adrc-b", Skip.Reason.NOT_INCLUDED),
                org.assertj.core.groups.Tuple.tuple("adrc-b-dvcid", Skip.Reason.NOT_INCLUDED),
                org.assertj.core.groups.Tuple.tuple("adrc-c", Skip.Reason.INACTIVE));
        assertThat(r.unknownIncluded()).containsExactly("nowhere");
    }

    @Test
    void excludeListsAndStudySuffixes() {
        CenterFilter.Result r = CenterFilter.select(CENTERS, List.of(), NaccSettings.list("adrc-a"),
                NaccSettings.list("-DVCID"));
        assertThat(r.selected()).extracting(Center::group).containsExactly("adrc-b", "ADRC-D");
        assertThat(r.skipped()).extracting(Skip::reason).containsExactly(Skip.Reason.EXCLUDED, Skip.Reason.EXCLUDED_STUDY,
                Skip.Reason.INACTIVE);
        CenterFilter.Result all = CenterFilter.select(CENTERS, List.of(), List.of(), List.of());
        assertThat(all.selected()).hasSize(4);
    }

    @Test
    void includeAndExcludeTogetherIsAnError() {
        assertThatThrownBy(() -> CenterFilter.select(CENTERS, List.of("adrc-a"), List.of("adrc-b"), List.of()))
                .hasMessageContaining("include_centers (adrc-a) cannot be combined with exclude_centers (adrc-b)");
        assertThatThrownBy(() -> CenterFilter.select(CENTERS, List.of("adrc-a"), List.of(), List.of("-x")))
                .hasMessageContaining("exclude_studies (-x)");
    }

    // --- batching ------------------------------------------------------------------------------

    @Test
    void cutsBatchesAsTheGearDoes() {
        List<Long> files = List.of(10L, 20L, 30L, 40L, 50L);
        assertThat(Batching.cut(files, f -> f, 60)).containsExactly(List.of(10L, 20L, 30L), List.of(40L, 50L));
        // the last project may overshoot, the rest follow
        assertThat(Batching.cut(List.of(10L, 20L, 500L, 600L), f -> f, 100))
                .containsExactly(List.of(10L, 20L, 500L), List.of(600L));
        // projects at least as large as the batch are batches of their own
        assertThat(Batching.cut(List.of(100L, 150L, 200L), f -> f, 100))
                .containsExactly(List.of(100L), List.of(150L), List.of(200L));
        // projects mode: each counts 1
        assertThat(Batching.cut(List.of(5L, 6L, 7L, 8L, 9L), f -> 1, 2))
                .containsExactly(List.of(5L, 6L), List.of(7L, 8L), List.of(9L));
        assertThat(Batching.cut(List.<Long>of(), f -> f, 10)).isEmpty();
        assertThatThrownBy(() -> Batching.cut(files, f -> f, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- gear configs ----------------------------------------------------------------------------

    @Test
    void substitutesSourceAndTargetIds() {
        Map<String, JsonNode> c = new LinkedHashMap<>();
        c.put("debug", BooleanNode.FALSE);
        c.put("destination_project", TextNode.valueOf("{{target}}"));
        c.put("source_id", TextNode.valueOf("{{source}}"));
        c.put("n", IntNode.valueOf(3));
        c.put("tag", TextNode.valueOf("file-validator-PASS"));
        Map<String, JsonNode> out = GearConfigs.substitute(c, true, Map.of("source", "S1", "target", "T1"));
        assertThat(out.get("destination_project").asText()).isEqualTo("T1");
        assertThat(out.get("source_id").asText()).isEqualTo("S1");
        assertThat(out.get("debug").isBoolean()).isTrue();
        assertThat(out.get("n").asInt()).isEqualTo(3);
        assertThat(GearConfigs.substitute(c, false, Map.of()).get("source_id").asText()).isEqualTo("{{source}}");
        c.put("other", TextNode.valueOf("{{destination}}"));
        assertThatThrownBy(() -> GearConfigs.substitute(c, true, Map.of("source", "S1", "target", "T1")))
                .hasMessage("gear_configs.other: '{{destination}}' has no value to substitute (known: source, target)");
    }
}
