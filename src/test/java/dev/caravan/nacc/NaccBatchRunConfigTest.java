package dev.caravan.nacc;

import dev.caravan.model.BadInputException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batch run configs file: the shipped one, the README's, and errors that name the file and the field. */
class NaccBatchRunConfigTest {

    static final Path SHIPPED = Path.of("../shared/fixtures/nacc/batch-run-configs.json");

    @Test
    void readsTheShippedFile() {
        Assumptions.assumeTrue(Files.exists(SHIPPED), "../shared is absent: skipping the shipped batch-run-configs.json");
        BatchRunConfig c = BatchRunConfig.read(SHIPPED);
        assertThat(c.source()).isEqualTo("retrospective-form");
        assertThat(c.targetLabel()).isEqualTo("accepted");
        assertThat(c.substitute()).isTrue();
        assertThat(c.countFiles()).isTrue();
        assertThat(c.batchSize()).isEqualTo(100000);
        assertThat(c.gearName()).isEqualTo("duplicate-aware-project-copy");
        assertThat(c.gearConfigs()).containsKeys("debug", "destination_project", "duplicate_check_projects",
                "modified_match_fields", "required_match_fields", "tag_to_copy");
        assertThat(c.gearConfigs().get("debug").isBoolean()).isTrue();
        assertThat(c.gearInputs()).isEmpty();
    }

    @Test
    void readsTheExamples() {
        BatchRunConfig readme = BatchRunConfig.read(Path.of("examples/nacc/readme-example.json"));
        assertThat(readme.gearName()).isEqualTo("test-gear");
        assertThat(readme.batchSize()).isEqualTo(10000);
        BatchRunConfig inputs = BatchRunConfig.read(Path.of("examples/nacc/projects-with-inputs.json"));
        assertThat(inputs.countFiles()).isFalse();
        assertThat(inputs.target()).isEmpty();
        assertThat(inputs.targetLabel()).isEqualTo("ingest-form");
        assertThat(inputs.gearInputs()).containsEntry("qc_configs_file", "form-qc-configs.json");
    }

    @Test
    void problemsNameTheFileAndTheField() {
        assertThatThrownBy(() -> BatchRunConfig.parse("""
                {"source": "s", "batch_mode": "centers", "batch_size": 0, "gear_configs": [], "gear_inputs": {"x": 3}}
                """, "cfg.json")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("cfg.json: batch_mode: 'centers' is not one of 'projects', 'files'")
                .hasMessageContaining("cfg.json: batch_size: must be more than 0")
                .hasMessageContaining("cfg.json: gear_name: missing")
                .hasMessageContaining("cfg.json: gear_configs: must be an object")
                .hasMessageContaining("cfg.json: gear_inputs.x: must be a file name");
        assertThatThrownBy(() -> BatchRunConfig.parse("{\n\"source\": \"s\",\n\"batch_size\": 1,,\n}", "cfg.json"))
                .hasMessageStartingWith("cfg.json:3: malformed JSON");
        assertThatThrownBy(() -> BatchRunConfig.parse("[]", "cfg.json")).hasMessageContaining("one JSON object");
        assertThatThrownBy(() -> BatchRunConfig.parse("{\"source\": 1}", "cfg.json"))
                .hasMessageContaining("cfg.json: source: must be a string");
        assertThatThrownBy(() -> BatchRunConfig.read(Path.of("no/such/file.json"))).hasMessageContaining("no/such/file.json");
    }

    @Test
    void acceptsWhatTheGearAccepted() {
        BatchRunConfig c = BatchRunConfig.parse("\uFEFF{\"source\": \"s\", \"target\": \"\", \"batch_mode\": \"projects\","
                + " \"batch_size\": \"3\", \"gear_name\": \"g\", \"gear_configs\": {}, \"unknown\": 1}", "cfg.json");
        assertThat(c.batchSize()).isEqualTo(3);
        assertThat(c.targetLabel()).isEqualTo("s");
        assertThat(c.substitute()).isFalse();
    }
}
