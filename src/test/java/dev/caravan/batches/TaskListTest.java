package dev.caravan.batches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskListTest {

    private static final TaskList WEPP = TaskList.of(List.of(
            new Task("if_exists_rmtree", "rm -rf outputs", false),
            new Task("fetch_dem", "wepp fetch-dem", true),
            new Task("build_channels", "wepp channels", true),
            new Task("run_wepp_watershed", "wepp run", true)));

    @Test
    void directivesTurnTasksOnAndOffWithWeppcloudsBooleans() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("if_exists_rmtree", "Yes");
        d.put("fetch_dem", 0);
        d.put("build_channels", " off ");
        d.put("run_wepp_watershed", true);
        Directives out = WEPP.apply(null, d);
        assertThat(out.enabled()).containsExactly(Map.entry("if_exists_rmtree", true), Map.entry("fetch_dem", false),
                Map.entry("build_channels", false), Map.entry("run_wepp_watershed", true));
        assertThat(out.warnings()).isEmpty();
        assertThat(WEPP.enabled(out.enabled())).extracting(Task::name)
                .containsExactly("if_exists_rmtree", "run_wepp_watershed");
        assertThat(WEPP.enabled(null)).extracting(Task::name)
                .containsExactly("fetch_dem", "build_channels", "run_wepp_watershed");
    }

    @Test
    void directivesApplyOverTheCurrentSettings() {
        Directives first = WEPP.apply(null, Map.of("fetch_dem", "false"));
        Directives second = WEPP.apply(first.enabled(), Map.of("build_channels", "0"));
        assertThat(second.enabled()).containsEntry("fetch_dem", false).containsEntry("build_channels", false)
                .containsEntry("run_wepp_watershed", true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "1", "yes", "On", " on "})
    void truthyStrings(String v) {
        assertThat(Directives.parseBool("t", v)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "False", "0", "no", "OFF"})
    void falsyStrings(String v) {
        assertThat(Directives.parseBool("t", v)).isFalse();
    }

    @Test
    void numbersAndBooleans() {
        assertThat(Directives.parseBool("t", 1)).isTrue();
        assertThat(Directives.parseBool("t", 0L)).isFalse();
        assertThat(Directives.parseBool("t", 1.0)).isTrue();
        assertThat(Directives.parseBool("t", Boolean.FALSE)).isFalse();
    }

    @Test
    void badValuesNameTheTask() {
        for (Object bad : new Object[] {"maybe", 2, -1, 0.5, null, List.of(), ""}) {
            assertThatThrownBy(() -> WEPP.apply(null, mapOf("fetch_dem", bad)))
                    .isInstanceOfSatisfying(BatchInputException.class,
                            e -> assertThat(e.field()).isEqualTo("directives.fetch_dem"))
                    .hasMessageStartingWith("directive for task 'fetch_dem': ")
                    .hasMessageEndingWith(" is not a boolean (use true/false, 1/0, yes/no or on/off)");
        }
    }

    @Test
    void unknownTasksAreIgnoredWithAWarning() {
        Directives out = WEPP.apply(null, Map.of("run_omni", true));
        assertThat(out.enabled()).isEqualTo(WEPP.defaults());
        assertThat(out.warnings()).containsExactly("unknown task 'run_omni' ignored (tasks: if_exists_rmtree,"
                + " fetch_dem, build_channels, run_wepp_watershed)");
    }

    @Test
    void taskListsAreChecked() {
        assertThatThrownBy(() -> TaskList.of(List.of())).hasMessage("a batch needs at least one task");
        assertThatThrownBy(() -> TaskList.of(List.of(new Task("a", "x", true), new Task("a", "y", true))))
                .isInstanceOfSatisfying(BatchInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("tasks[1].name");
                    assertThat(e.index()).isEqualTo(1);
                }).hasMessage("task 'a' is listed twice");
        assertThatThrownBy(() -> TaskList.of(List.of(new Task("../x", "x", true))))
                .hasMessageContaining("tasks[0].name '../x' is not a valid task name");
        assertThatThrownBy(() -> TaskList.of(List.of(new Task("a", " ", true))))
                .isInstanceOfSatisfying(BatchInputException.class,
                        e -> assertThat(e.field()).isEqualTo("tasks[0].command"))
                .hasMessage("task 'a' has no command");
    }

    private static Map<String, Object> mapOf(String k, Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
    }
}
