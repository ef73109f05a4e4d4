package dev.caravan.batches.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.batches.geojson.JsonTree;
import dev.caravan.batches.python.PyException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code oracle/template-cases.jsonl}: what WEPPcloud's template engine (run by the real
 * Python 3.11, see {@code oracle/make_template_cases.py}) renders or raises, and Caravan must render the
 * same text or raise the same "Type: message". Syntax and name errors must be refused when the template
 * is compiled. The few deliberate differences are listed in {@link #DIFFERENT} with Caravan's answer.
 */
class TemplateOracleTest {

    private static final String DIR = "/dev/caravan/batches/oracle/";

    /** Templates where Caravan answers differently on purpose: template → expected text, or "!" + error start. */
    private static final Map<String, String> DIFFERENT = Map.of(
            // Python's re.sub with an empty pattern fails ("nothing to repeat"); an empty separator joins
            "{slug(properties['name'], separator='')}", "BlueCreekNorthFork",
            "{1j}", "!complex numbers are not supported in templates",
            "{b'x'}", "!bytes literals are not supported in templates",
            "{ {'a': 1, **properties}}", "!dict unpacking (**) is not supported in templates",
            "{'%d' % 5}", "!TypeError: printf-style formatting ('%') is not supported in templates");

    @SuppressWarnings("unchecked")
    @TestFactory
    Stream<DynamicTest> rendersWhatWeppcloudRenders() throws Exception {
        List<Map<String, Object>> features;
        try (InputStream in = getClass().getResourceAsStream(DIR + "template-features.json")) {
            features = (List<Map<String, Object>>) JsonTree.parse(in, "features");
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream(DIR + "template-cases.jsonl"), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                cases.add(json.readTree(line));
            }
        }
        assertThat(cases).hasSizeGreaterThan(350);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("template").asText(), () -> {
            String template = c.get("template").asText();
            int index = c.get("feature").asInt();
            Map<String, Object> feature = features.get(index);
            if (DIFFERENT.containsKey(template)) {
                checkDifferent(template, DIFFERENT.get(template), feature, index);
            } else if (c.has("out")) {
                assertThat(RunIdTemplate.compile(template).render(feature, index)).isEqualTo(c.get("out").asText());
            } else {
                checkError(template, c.get("error").asText(), feature, index);
            }
        }));
    }

    private static void checkError(String template, String error, Map<String, Object> feature, int index) {
        if (error.startsWith("SyntaxError") || error.startsWith("NameError")) {
            assertThatThrownBy(() -> RunIdTemplate.compile(template)).isInstanceOf(TemplateException.class);
            return;
        }
        if (error.contains("Single '}'") || error.contains("Unmatched '{'")) {
            assertThatThrownBy(() -> RunIdTemplate.compile(template)).isInstanceOf(TemplateException.class)
                    .hasMessage(error.substring("ValueError: ".length()));
            return;
        }
        if (error.contains("Invalid format specifier")) {
            String spec = error.substring(error.indexOf('\''), error.indexOf('\'', error.indexOf('\'') + 1) + 1);
            assertThatThrownBy(() -> RunIdTemplate.compile(template)).isInstanceOf(TemplateException.class)
                    .hasMessageContaining("Invalid format specifier " + spec);
            return;
        }
        RunIdTemplate compiled = RunIdTemplate.compile(template);
        try {
            String out = compiled.render(feature, index);
            fail("expected " + error + " but rendered " + out);
        } catch (PyException e) {
            assertThat(e.getMessage()).isEqualTo(error);
        }
    }

    private static void checkDifferent(String template, String expected, Map<String, Object> feature, int index) {
        if (!expected.startsWith("!")) {
            assertThat(RunIdTemplate.compile(template).render(feature, index)).isEqualTo(expected);
            return;
        }
        assertThatThrownBy(() -> RunIdTemplate.compile(template).render(feature, index))
                .hasMessageStartingWith(expected.substring(1));
    }
}
