package dev.caravan.backend.local;

import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;
import dev.caravan.settings.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalBackendFactoryTest {

    private final LocalBackendFactory factory = new LocalBackendFactory();

    @Test
    void isTheLocalKindWithOneSetting() {
        assertThat(factory.kind()).isEqualTo("local");
        assertThat(factory.settingKeys()).containsExactly("command");
    }

    @Test
    void isFoundByTheServiceLoader() {
        assertThat(ServiceLoader.load(BackendFactory.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(f -> assertThat(f).isInstanceOf(LocalBackendFactory.class));
    }

    @Test
    void anUnknownPlaceholderIsRejectedNamingKeyAndPlaceholder() {
        assertThatThrownBy(() -> factory.validate(env("laptop", Map.of("command", "./run.sh {job_id} {foo}"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("caravan.env.laptop.command")
                .hasMessageContaining("{foo}");
    }

    @Test
    void aBlankOrMissingCommandIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> factory.validate(env("laptop", Map.of("command", "   "))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("caravan.env.laptop.command");
        assertThatThrownBy(() -> factory.validate(env("laptop", Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("caravan.env.laptop.command");
    }

    @Test
    void aPlaceholderInsideQuotesIsRejectedBecauseItWouldEscapeOurQuoting() {
        assertThatThrownBy(() -> factory.validate(env("laptop", Map.of("command", "sh -c 'echo {params.x}'"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("caravan.env.laptop.command")
                .hasMessageContaining("{params.x}")
                .hasMessageContaining("quotes");
        assertThatThrownBy(() -> factory.validate(env("laptop", Map.of("command", "echo \"{group}\""))))
                .hasMessageContaining("{group}");
        assertThatThrownBy(() -> factory.validate(env("laptop", Map.of("command", "echo `cat {params.f}`"))))
                .hasMessageContaining("{params.f}").hasMessageContaining("backticks");
    }

    @Test
    void shellAndAwkBracesAreLiteralText() {
        String command = "cd \"${HOME}\" && awk '{print $1}' {params.file} | xargs -I{} echo {} {params.a.b-c_d} "
                + "&& echo { } {a,b} '{ group }' ${job_id}";
        assertThatCode(() -> factory.validate(env("laptop", Map.of("command", command)))).doesNotThrowAnyException();
    }

    private static Environment env(String name, Map<String, String> settings) {
        return new Environment(name, "local", 2, 3, settings);
    }
}
