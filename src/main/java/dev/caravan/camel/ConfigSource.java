package dev.caravan.camel;

import dev.caravan.model.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the configuration comes from, and single settings read the way Camel Main would read them (-Dkey=value over
 * the environment variable, {@code CARAVAN_TRACKING_DIR}, over the properties file), for what must be known before
 * Camel starts: the tracking clone whose cycle lock a one-shot command takes, the tree {@code report} reads.
 */
public final class ConfigSource {

    static final Path DEFAULT = Path.of("config", "application.properties");

    private ConfigSource() {
    }

    /**
     * The properties file to use: the one given ({@code --config}), else {@code config/application.properties},
     * else empty (the embedded default). A bad-input error when the given file does not exist.
     */
    public static Optional<Path> location(Optional<String> given) {
        if (given.isPresent()) {
            Path p = Path.of(given.get());
            if (!Files.isRegularFile(p)) {
                throw new BadInputException("--config " + p + ": no such file");
            }
            return Optional.of(p);
        }
        return Files.isRegularFile(DEFAULT) ? Optional.of(DEFAULT) : Optional.empty();
    }

    /** One setting, as Camel Main would resolve it from this file (or the embedded default); empty when unset. */
    public static Optional<String> setting(Optional<Path> file, String key) {
        String sys = System.getProperty(key);
        if (sys != null) {
            return Optional.of(sys.trim());
        }
        String env = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
        if (env != null) {
            return Optional.of(env.trim());
        }
        Properties p = new Properties();
        try {
            if (file.isPresent()) {
                try (Reader r = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                    p.load(r);
                }
            } else {
                try (InputStream in = ConfigSource.class.getResourceAsStream("/application.properties")) {
                    if (in != null) {
                        p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read the configuration: " + e.getMessage(), e);
        }
        return Optional.ofNullable(p.getProperty(key)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** {@code caravan.tracking.dir} of this configuration. */
    public static Path trackingDir(Optional<Path> file) {
        return Path.of(setting(file, "caravan.tracking.dir").orElse("data/tracking"));
    }
}
