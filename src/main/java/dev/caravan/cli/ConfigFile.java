package dev.caravan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * For the commands that do not start Camel (report, import): one setting read the way Camel Main would,
 * -Dkey=value over the environment variable (CARAVAN_TRACKING_DIR) over the properties file.
 */
final class ConfigFile {

    static final Path DEFAULT = Path.of("config", "application.properties");

    private ConfigFile() {
    }

    /** The properties file to use: --config, else config/application.properties, else the embedded one. */
    static Optional<Path> location(Options o) {
        if (o.value("config").isPresent()) {
            Path p = Path.of(o.value("config").get());
            if (!Files.isRegularFile(p)) {
                throw new UsageException("--config " + p + ": no such file");
            }
            return Optional.of(p);
        }
        return Files.isRegularFile(DEFAULT) ? Optional.of(DEFAULT) : Optional.empty();
    }

    static Optional<String> setting(Options o, String key) {
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
            Optional<Path> file = location(o);
            if (file.isPresent()) {
                try (Reader r = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                    p.load(r);
                }
            } else {
                try (InputStream in = ConfigFile.class.getResourceAsStream("/application.properties")) {
                    if (in != null) {
                        p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot read the configuration: " + e.getMessage());
        }
        return Optional.ofNullable(p.getProperty(key)).map(String::trim).filter(s -> !s.isEmpty());
    }

    static Path trackingDir(Options o) {
        return Path.of(o.value("tracking").or(() -> setting(o, "caravan.tracking.dir")).orElse("data/tracking"));
    }
}
