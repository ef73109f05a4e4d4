package dev.caravan.backend.local;

import dev.caravan.backend.Backend;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.BackendFactory;
import dev.caravan.model.Environment;

import java.util.Set;

/**
 * The {@code local} kind: the embedded default, which needs no cloud account. Its one setting is
 * {@code caravan.env.<name>.command}, a shell command template (see {@link CommandTemplate}).
 */
public final class LocalBackendFactory implements BackendFactory {

    public static final String KIND = "local";
    public static final String COMMAND = "command";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> settingKeys() {
        return Set.of(COMMAND);
    }

    @Override
    public void validate(Environment env) {
        template(env);
    }

    @Override
    public Backend create(Environment env, BackendContext context) {
        return new LocalBackend(env.name(), template(env), context);
    }

    private static CommandTemplate template(Environment env) {
        return CommandTemplate.parse(env.setting(COMMAND).orElse(null), key(env));
    }

    static String key(Environment env) {
        return "caravan.env." + env.name() + "." + COMMAND;
    }
}
