package dev.caravan.backend.local;

import dev.caravan.backend.BackendException;
import dev.caravan.model.JobRef;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rendering without processes; the quoting itself is proven against a real shell in {@link LocalBackendTest}. */
class LocalBackendCommandTemplateTest {

    private static final JobRef JOB = new JobRef("G1", "b-1", "job.7");
    private static final String KEY = "caravan.env.e.command";

    @Test
    void jobPlaceholdersAreSubstitutedAndQuoted() throws BackendException {
        assertThat(render("run {job_id} --in {group}/{batch}", Map.of()))
                .isEqualTo("run 'job.7' --in 'G1'/'b-1'");
    }

    @Test
    void singleQuotesInValuesAreClosedEscapedAndReopened() throws BackendException {
        assertThat(render("echo {params.s}", Map.of("s", "it's"))).isEqualTo("echo 'it'\\''s'");
    }

    @Test
    void jsonValuesRenderAsTheirPlainTextOrCompactJson() throws BackendException {
        Map<String, Object> params = new HashMap<>();
        params.put("i", 7);
        params.put("d", 2.5);
        params.put("big", new BigDecimal("1E+3"));
        params.put("yes", false);
        params.put("nested", Map.of("k", List.of(1, 2)));
        params.put("none", null);
        params.put("ref", Map.of("build", "GRCh38"));

        assertThat(render("x {params.i} {params.d} {params.big} {params.yes} {params.nested} {params.none} {params.ref.build}",
                params)).isEqualTo("x '7' '2.5' '1000' 'false' '{\"k\":[1,2]}' '' 'GRCh38'");
    }

    @Test
    void aMissingFieldNamesTheJobAndTheField() {
        assertThatThrownBy(() -> render("run {params.sample}", Map.of("other", 1)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("G1/b-1/job.7")
                .hasMessageContaining("'sample'");
    }

    @Test
    void literalBracesStayAsWritten() throws BackendException {
        assertThat(render("awk '{print $1}' ${HOME} {} { x } {a,b} \\{job_id} {params.}", Map.of()))
                .isEqualTo("awk '{print $1}' ${HOME} {} { x } {a,b} \\{job_id} {params.}");
    }

    private static String render(String template, Map<String, Object> params) throws BackendException {
        return CommandTemplate.parse(template, KEY).render(JOB, params);
    }
}
