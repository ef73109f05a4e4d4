package dev.caravan.it;

import dev.caravan.testkit.GitFixtures;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The shipped {@code config/application.properties} as it is, with only its paths and ports moved into a test's
 * folder: what an operator's daemon runs, so a test on it fails when the shipped file lacks a setting.
 */
public final class ShippedConfig {

    public static final Path FILE = Path.of("config", "application.properties");

    private ShippedConfig() {
    }

    /** The shipped settings; paths under {@code dir} (routes from {@code dir/routes}), the HTTP port a free one. */
    public static Map<String, String> in(Path dir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(FILE, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> s = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> s.put(k, p.getProperty(k)));
        Path routes = dir.resolve("routes");
        s.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        s.put("camel.main.routes-reload-directory", routes.toString());
        s.put("caravan.tracking.dir", dir.resolve("tracking").toString());
        s.put("caravan.tracking.remote", dir.resolve("remote.git").toString());
        s.put("caravan.work.dir", dir.resolve("work").toString());
        String port = Integer.toString(freePort());
        s.put("camel.server.port", port);
        s.put("camel.management.port", port);
        return s;
    }

    /** A copy of the shipped routes in {@code dir/routes}, for a test that edits them. */
    public static Path copyRoutes(Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        GitFixtures.copy(Path.of("routes"), routes);
        return routes;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
