package dev.caravan.batches.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.SharedFixtures;
import dev.caravan.batches.geojson.GeoJsonReader;
import dev.caravan.batches.geojson.GeoJsonResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunIdValidatorTest {

    private static GeoJsonResource simple() {
        return GeoJsonReader.read(SharedFixtures.simpleGeoJson(), GeoJsonReader.DEFAULT_MAX_UPLOAD, "resource");
    }

    @Test
    void hucNameAndRegionGiveThreeUniqueValidRunIds() {
        GeoJsonResource r = simple();
        String template = "{properties['HucName']}-{properties['Region']}";
        RunIdValidation v = RunIdValidator.validate(template, r.features(), r.checksum());
        assertThat(v.summary()).isEqualTo(new RunIdValidation.Summary(3, 0, 0, 3, 3, true));
        assertThat(v.runIds()).containsExactly("Blue Creek-NW", "Cedar Grove-NW", "Juniper Basin-SW");
        assertThat(v.preview()).extracting(RunIdValidation.Row::runId)
                .containsExactly("Blue Creek-NW", "Cedar Grove-NW", "Juniper Basin-SW");
        assertThat(v.preview()).extracting(RunIdValidation.Row::featureId).containsExactly("A", "B", "C");
        assertThat(v.errors()).isEmpty();
        assertThat(v.duplicates()).isEmpty();
        // made once with the system Python, as WEPPcloud hashes (t is the template, c simple.geojson's checksum):
        //   /usr/bin/python3 -c 'import hashlib; print(hashlib.sha256(t.encode()).hexdigest(),
        //                        hashlib.sha256((t + "|" + c).encode()).hexdigest())'
        assertThat(v.templateHash()).isEqualTo("bb798ff4cd6ed81bf7095a468658fb59545b21d8ff8833b920d5161f20b7a680");
        assertThat(v.validationHash()).isEqualTo("bfbc8d8ec7722c989dcef8bed029ddfdeee4231fd08ac23629bb1fa323a5ce11");
        assertThat(v.resourceChecksum()).isEqualTo(r.checksum());
    }

    @Test
    void regionAloneDuplicatesNwAtIndexesZeroAndOne() {
        GeoJsonResource r = simple();
        RunIdValidation v = RunIdValidator.validate("{properties['Region']}", r.features(), r.checksum());
        assertThat(v.isValid()).isFalse();
        assertThat(v.summary()).isEqualTo(new RunIdValidation.Summary(3, 0, 1, 2, 3, false));
        assertThat(v.duplicates()).containsExactly(new RunIdValidation.Duplicate("NW", 2, List.of(0, 1)));
    }

    @Test
    void theIssuesExamples() {
        List<Map<String, Object>> features = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            features.add(feature(Map.of("basin", "sooke")));
        }
        RunIdValidation v = RunIdValidator.validate("{properties[\"basin\"]}-{index:03d}", features, "c");
        assertThat(v.isValid()).isTrue();
        assertThat(v.runIds().get(4)).isEqualTo("sooke-004");
        RunIdValidation z = RunIdValidator.validate("{zfill(one_based_index, 3)}", features, "c");
        assertThat(z.runIds()).startsWith("001", "002");
        RunIdValidation s = RunIdValidator.validate("{slug(properties['basin'])}_{one_based_index}", features, "c");
        assertThat(s.runIds()).last().isEqualTo("sooke_6");
    }

    @Test
    void badRunIdsAreFeatureErrorsWithTheirIndex() {
        List<Map<String, Object>> features = List.of(
                feature(Map.of("id", "ok-1")), feature(Map.of("id", "  ")), feature(Map.of("id", "..")),
                feature(Map.of("id", "a/b")), feature(Map.of("id", "a\\b")), feature(Map.of("id", "a\u0000b")),
                feature(Map.of("id", "semi;colon")), feature(Map.of()), feature(Map.of("id", " padded ")),
                feature(Map.of("id", "x".repeat(129))));
        RunIdValidation v = RunIdValidator.validate("{properties['id']}", features, "c");
        assertThat(v.summary().errors()).isEqualTo(8);
        assertThat(v.summary().validRunIds()).isEqualTo(2);
        assertThat(v.summary().isValid()).isFalse();
        assertThat(v.runIds()).containsExactly("ok-1", null, null, null, null, null, null, null, "padded", null);
        Map<Integer, String> byIndex = new LinkedHashMap<>();
        v.errors().forEach(e -> byIndex.put(e.index(), e.error()));
        assertThat(byIndex).containsEntry(1, "Template produced an empty run id")
                .containsEntry(2, "Template produced the run id '..', which is not allowed")
                .containsEntry(3, "Template produced a run id containing '/': 'a/b'")
                .containsEntry(4, "Template produced a run id containing '\\': 'a\\b'")
                .containsEntry(5, "Template produced a run id containing NUL: 'a\\x00b'")
                .containsEntry(7, "KeyError: 'id'");
        assertThat(byIndex.get(6)).startsWith("Template produced the run id 'semi;colon', which is not a safe job");
        assertThat(byIndex.get(9)).contains("at most 128");
        assertThat(v.preview().get(7)).isEqualTo(new RunIdValidation.Row(7, null, null, "KeyError: 'id'"));
    }

    @Test
    void listsAreCutButCountsAreWhole() {
        List<Map<String, Object>> features = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            features.add(feature(Map.of("g", i % 120 < 60 ? "g" + (i % 60) : "bad/" + i)));
        }
        RunIdValidation v = RunIdValidator.validate("{properties['g']}", features, "c");
        assertThat(v.summary().totalFeatures()).isEqualTo(300);
        assertThat(v.summary().errors()).isEqualTo(120);
        assertThat(v.summary().duplicateRunIds()).isEqualTo(60);
        assertThat(v.summary().uniqueRunIds()).isEqualTo(60);
        assertThat(v.errors()).hasSize(RunIdValidator.LISTED);
        assertThat(v.duplicates()).hasSize(RunIdValidator.LISTED);
        assertThat(v.duplicates().get(0)).isEqualTo(new RunIdValidation.Duplicate("g0", 3, List.of(0, 120, 240)));
        assertThat(v.preview()).hasSize(RunIdValidator.PREVIEW_ROWS);
        assertThat(v.runIds()).hasSize(300);
    }

    @Test
    void answerIsWeppcloudShapedJson() throws Exception {
        GeoJsonResource r = simple();
        RunIdValidation v = RunIdValidator.validate("{properties['Region']}", r.features(), r.checksum());
        JsonNode json = new ObjectMapper().valueToTree(v);
        assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("template", "template_hash",
                "resource_checksum", "summary", "errors", "duplicates", "preview", "validation_hash");
        assertThat(json.get("summary").fieldNames()).toIterable().containsExactlyInAnyOrder("total_features",
                "errors", "duplicate_run_ids", "unique_run_ids", "valid_run_ids", "is_valid");
        assertThat(json.at("/duplicates/0/run_id").asText()).isEqualTo("NW");
        assertThat(json.at("/preview/2/feature_id").asText()).isEqualTo("C");
        ObjectMapper mapper = new ObjectMapper();
        JsonNode stamp = mapper.valueToTree(v.stamp());
        assertThat(stamp.fieldNames()).toIterable().containsExactlyInAnyOrder("template", "template_hash",
                "resource_checksum", "validation_hash", "is_valid");
        assertThat(mapper.treeToValue(stamp, ValidationStamp.class)).isEqualTo(v.stamp());
    }

    @Test
    void aStoredValidationHoldsOnlyForTheResourceItWasMadeFor() {
        GeoJsonResource r = simple();
        ValidationStamp stamp = RunIdValidator.validate("{properties['HucName']}-{properties['Region']}",
                r.features(), r.checksum()).stamp();
        assertThat(stamp.holdsFor(r.checksum())).isTrue();
        stamp.requireCurrent(r.checksum());
        assertThat(stamp.holdsFor("another")).isFalse();
        assertThatThrownBy(() -> stamp.requireCurrent("another"))
                .isInstanceOfSatisfying(BatchInputException.class, e -> assertThat(e.field()).isEqualTo("template"))
                .hasMessage("the GeoJSON has changed since the template was validated; validate again");
        ValidationStamp tampered = new ValidationStamp(stamp.template() + "x", stamp.templateHash(),
                stamp.resourceChecksum(), stamp.validationHash(), true);
        assertThat(tampered.holdsFor(r.checksum())).isFalse();
        ValidationStamp invalid = RunIdValidator.validate("{properties['Region']}", r.features(), r.checksum())
                .stamp();
        assertThatThrownBy(() -> invalid.requireCurrent(r.checksum()))
                .hasMessageContaining("last validation found errors or duplicate run ids");
    }

    @Test
    void aTemplateThatCannotCompileIsATemplateError() {
        assertThatThrownBy(() -> RunIdValidator.validate("{nope}", List.of(feature(Map.of())), "c"))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.field()).isEqualTo("template");
                    assertThat(e.column()).isEqualTo(2);
                })
                .hasMessage("Unknown name 'nope' in template expression");
        assertThatThrownBy(() -> RunIdValidator.validate("  ", List.of(feature(Map.of())), "c"))
                .hasMessage("template is required");
    }

    static Map<String, Object> feature(Map<String, Object> properties) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "Feature");
        f.put("properties", new LinkedHashMap<>(properties));
        f.put("geometry", null);
        return f;
    }
}
