package dev.caravan.batches.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.caravan.batches.python.Limits;
import dev.caravan.batches.python.PyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Templates come from people through the API: whatever they write must end in a clear error, in bounded
 * time and memory, and never reach Java or Python internals. Refusals use WEPPcloud's wording.
 */
class TemplateSafetyTest {

    private static final Map<String, Object> FEATURE = RunIdValidatorTest.feature(Map.of("name", "x", "n", 3));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{''.__class__}|Unsupported expression component: Attribute",
        "{properties.__dict__}|Unsupported expression component: Attribute",
        "{properties.name}|Unsupported expression component: Attribute",
        "{__import__('os')}|Function '__import__' is not permitted in templates",
        "{open('x')}|Function 'open' is not permitted in templates",
        "{eval('1')}|Function 'eval' is not permitted in templates",
        "{getattr(properties, 'x')}|Function 'getattr' is not permitted in templates",
        "{''.__class__.__mro__[1].__subclasses__()}|Only named function calls are permitted in templates",
        "{properties['name'].upper()}|Only named function calls are permitted in templates",
        "{(lambda: 1)()}|Unsupported expression component: Lambda",
        "{[x for x in properties]}|Unsupported expression component: ListComp",
        "{ {k: 1 for k in properties}}|Unsupported expression component: DictComp",
        "{(x for x in 'ab')}|Unsupported expression component: GeneratorExp",
        "{[*properties]}|Unsupported expression component: Starred",
        "{(y := 1)}|Unsupported expression component: NamedExpr",
        "{__builtins__}|Unknown name '__builtins__' in template expression",
        "{x}|Unknown name 'x' in template expression",
        "{properties is None}|Comparison operator not permitted in template expression",
        "{index << 2}|Binary operator not permitted in template expression",
        "{index & 1}|Binary operator not permitted in template expression",
        "{~index}|Unary operator not permitted in template expression",
        "{slug}|Function 'slug' must be called in templates, as slug(...)",
        "{properties(1)}|Function 'properties' is not permitted in templates",
        "{slug(1, 2, 3)}|slug() takes 2 arguments but 3 were given; use slug(value, sep)",
        "{zfill(1)}|zfill() missing required argument 'width'; use zfill(value, width)",
        "{lower(v=1)}|lower() got an unexpected keyword argument 'v'; use lower(value)",
        "{slug(1, '-', sep='_')}|slug() got multiple values for argument 'sep'",
        "{f'{index}'}|f-strings are not supported inside templates; use {expr:format_spec} at column 2",
    })
    void refusesWhatWeppcloudRefuses(String template, String message) {
        assertThatThrownBy(() -> RunIdTemplate.compile(template)).isInstanceOf(TemplateException.class)
                .hasMessage(message);
    }

    @Test
    void errorsSayWhere() {
        assertThatThrownBy(() -> RunIdTemplate.compile("run-{index}-{properties.x}"))
                .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.column()).isEqualTo(24));
        assertThatThrownBy(() -> RunIdTemplate.compile("ab}c")).hasMessage("Single '}' encountered in format string")
                .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.column()).isEqualTo(3));
        assertThatThrownBy(() -> RunIdTemplate.compile("ab{index")).hasMessage("Unmatched '{' in template")
                .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.column()).isEqualTo(3));
        assertThatThrownBy(() -> RunIdTemplate.compile("{index +}"))
                .hasMessage("Syntax error in template at column 9: invalid syntax (found '}')".replace("'}'",
                        "end of expression"));
        assertThatThrownBy(() -> RunIdTemplate.compile("x{index:abc}"))
                .hasMessage("Invalid format specifier 'abc' in template at column 9");
        assertThatThrownBy(() -> RunIdTemplate.compile("{properties[}")).isInstanceOf(TemplateException.class)
                .hasMessageStartingWith("Syntax error in template at column 13");
    }

    @Test
    void hugeNumbersAndStringsStopAtTheirLimits() {
        assertThatThrownBy(() -> render("{9**9**9}")).isInstanceOf(PyException.class)
                .hasMessageContaining("exponent too large");
        assertThatThrownBy(() -> render("{2**4096}")).hasMessageContaining("more than 4096 bits");
        assertThat(render("{2**4095 > 0}")).isEqualTo("True");
        assertThatThrownBy(() -> render("{10**1000 * 10**1000 * 10**1000}"))
                .hasMessageContaining("integer result too large");
        assertThatThrownBy(() -> render("{'x' * 10**9}")).hasMessageContaining("result too long");
        assertThatThrownBy(() -> render("{'x' * 100001}")).hasMessageContaining("result too long");
        assertThat(render("{'x' * 3}")).isEqualTo("xxx");
        assertThatThrownBy(() -> render("{[[1] * 1000] * 1000}")).hasMessageContaining("too much work");
        assertThatThrownBy(() -> render("{zfill('1', 10**9)}")).hasMessageContaining("width");
        assertThatThrownBy(() -> render("{replace('aaaa' * 1000, 'a', 'b' * 1000)}"))
                .hasMessageContaining("too long");
        assertThatThrownBy(() -> RunIdTemplate.compile("{1:99999}")).hasMessageContaining("too large");
        assertThatThrownBy(() -> RunIdTemplate.compile("{" + "1".repeat(1300) + "}"))
                .hasMessageContaining("integer literal too large");
        assertThatThrownBy(() -> render("{10.0 ** 400}")).hasMessage("OverflowError: (34, 'Numerical result out of range')");
    }

    @Test
    void deepNestingAndHugeTemplatesAreRefusedQuickly() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            String deep = "{" + "(".repeat(Limits.MAX_NESTING + 1) + "1" + ")".repeat(Limits.MAX_NESTING + 1) + "}";
            assertThatThrownBy(() -> RunIdTemplate.compile(deep)).hasMessageContaining("nests too deeply");
            String shallow = "{" + "(".repeat(20) + "1" + ")".repeat(20) + "}";
            assertThat(render(shallow)).isEqualTo("1");
            assertThatThrownBy(() -> RunIdTemplate.compile("{" + "[".repeat(4000) + "}"))
                    .hasMessageContaining("nests too deeply");
            assertThatThrownBy(() -> RunIdTemplate.compile("{" + "-".repeat(4000) + "1}"))
                    .hasMessageContaining("nests too deeply");
            assertThatThrownBy(() -> RunIdTemplate.compile("{" + "not ".repeat(1000) + "1}"))
                    .hasMessageContaining("nests too deeply");
            assertThatThrownBy(() -> RunIdTemplate.compile("{" + "2**".repeat(1000) + "1}"))
                    .hasMessageContaining("nests too deeply");
            assertThatThrownBy(() -> RunIdTemplate.compile("{1" + " if 1 else 1".repeat(300) + "}"))
                    .hasMessageContaining("nests too deeply");
            String mega = "{" + "x".repeat(1 << 20) + "}";
            assertThatThrownBy(() -> RunIdTemplate.compile(mega))
                    .hasMessage("template is too long: 1048578 characters (at most 4096)");
            assertThat(render("{1" + "+1".repeat(2000) + "}")).as("long flat chains are fine").isEqualTo("2001");
        });
    }

    @Test
    void aCostlyTemplateStopsTheWholeValidation() {
        List<Map<String, Object>> features = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            features.add(FEATURE);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> RunIdValidator.validate(
                "{'x' * 99999 in 'y' * 99999}{index}", features, "c"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("costs too much to evaluate over 500"));
    }

    @Test
    void limitErrorsArePerFeatureInValidation() {
        RunIdValidation v = RunIdValidator.validate("{9**9**9}", List.of(FEATURE), "c");
        assertThat(v.errors().get(0).error()).startsWith("exponent too large");
    }

    private static String render(String template) {
        return RunIdTemplate.compile(template).render(FEATURE, 0);
    }
}
