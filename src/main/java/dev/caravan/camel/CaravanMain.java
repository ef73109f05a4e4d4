package dev.caravan.camel;

import dev.caravan.settings.ConfigException;
import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Camel Main as Caravan runs it: with {@link CaravanConfiguration}, on a properties file or the embedded default,
 * for the daemon or for a one-shot command.
 */
public final class CaravanMain {

    /** The YAML routes shipped inside the jar (the embedded default); RouteFilesTest keeps it in step with routes/. */
    public static final List<String> ROUTE_FILES = List.of(
            "cycle.camel.yaml", "git.camel.yaml", "notify.camel.yaml", "report.camel.yaml", "nacc.camel.yaml",
            "batches.camel.yaml");

    static final String SENSITIVE = "webhook-url,webhookurl,client-secret,clientsecret,api-key,apikey,api-token,apitoken";

    private CaravanMain() {
    }

    /**
     * What the daemon's JVM sets before its first process ({@link ProcessLaunch}): for programs that run a daemon
     * beside processes of their own started earlier (the benchmarks), called first thing in their main.
     */
    public static void prepareJvm() {
        ProcessLaunch.preferVfork();
    }

    /** Camel Main with Caravan's configuration class, on a properties file or the embedded default. */
    public static Main newMain(Optional<Path> config) {
        ProcessLaunch.preferVfork();
        Main main = new Main();
        main.configure().addConfiguration(CaravanConfiguration.class);
        main.setPropertyPlaceholderLocations(config.map(p -> "file:" + p.toAbsolutePath())
                .orElse("classpath:application.properties"));
        // Camel Main logs its settings at start; these hold secrets and must show as xxxxxx.
        main.addInitialProperty("camel.main.additional-sensitive-keywords", SENSITIVE);
        // the API changes batches: it listens on loopback unless a configuration names another host (and a token)
        main.addInitialProperty("camel.server.host", "127.0.0.1");
        return main;
    }

    /**
     * Camel Main as the command line starts it: the routes of routes/ when there is such a folder and the
     * configuration names them, else the ones inside the jar.
     */
    public static Main forCommand(Optional<Path> config) {
        Main main = newMain(config);
        if (!Files.isDirectory(Path.of("routes"))
                || ConfigSource.setting(config, "camel.main.routes-include-pattern").isEmpty()) {
            // named one by one: a wildcard would make Camel scan every entry of the 40 MB jar (~1.5 s)
            main.addOverrideProperty("camel.main.routes-include-pattern", String.join(",",
                    ROUTE_FILES.stream().map(f -> "classpath:routes/" + f).toList()));
            main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        }
        return main;
    }

    /** For commands that run and exit: no triggers, no HTTP server, no metrics, no route reloading. */
    static Main forOneShot(Optional<Path> config) {
        Main main = forCommand(config);
        main.addOverrideProperty("caravan.triggers.enabled", "false");
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        // nothing scrapes a process without a server; counting 15,000 jobs for it would wait for the tree's first read
        main.addOverrideProperty("camel.metrics.enabled", "false");
        // no trigger ever fires here, so there is no job to wait for; waiting would cost up to half a second while
        // Quartz's idle worker threads notice the stop
        main.addOverrideProperty("camel.component.quartz.interrupt-jobs-on-shutdown", "true");
        return main;
    }

    /** Why Camel did not start, as a command says it: exit status 2 and the setting for a bad one, else 1. */
    public record StartFailure(int code, String message) {
    }

    public static StartFailure startFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException) {
                return new StartFailure(2, t.getMessage());
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new StartFailure(1, "cannot start: " + root.getMessage());
    }
}
