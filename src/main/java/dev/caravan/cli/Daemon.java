package dev.caravan.cli;

import dev.caravan.camel.CaravanConfiguration;
import dev.caravan.camel.NotifyQueue;
import dev.caravan.settings.ConfigException;
import dev.caravan.engine.Engine;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Runs Camel Main: as the daemon, or for exactly one cycle under the cycle lock. */
public final class Daemon {

    /** Returned by {@code run} in daemon mode once Camel Main has stopped normally. */
    static final int RUNNING = -1;

    static final String RUN_HELP = """
            usage: caravan [run] [--config FILE] [-Dkey=value ...]

            Starts the daemon: YAML routes from routes/ (reloaded on change), settings from
            config/application.properties (or --config FILE, or the embedded default), cycles on
            caravan.cycle.cron on whichever daemon holds the cycle lock of the tracking repo.
            Stop with Ctrl-C or SIGTERM; running jobs go on and are found again on the next start.
            """;

    static final String CYCLE_HELP = """
            usage: caravan cycle --once [--config FILE] [-Dkey=value ...]

            Runs one cycle of every environment (poll, move, gates, release, commit, push when due)
            and exits: for cron. Takes the same lock as the daemon and exits with status 3 and a
            message while another process holds it. Exit status 1 when the cycle stopped on an error.
            """;

    private Daemon() {
    }

    /** Camel Main with Caravan's configuration class, on a properties file or the embedded default. */
    public static Main newMain(Optional<Path> config) {
        Main main = new Main();
        main.configure().addConfiguration(CaravanConfiguration.class);
        main.setPropertyPlaceholderLocations(config.map(p -> "file:" + p.toAbsolutePath())
                .orElse("classpath:application.properties"));
        // Camel Main logs its settings at start; these hold secrets and must show as xxxxxx.
        main.addInitialProperty("camel.main.additional-sensitive-keywords", SENSITIVE);
        return main;
    }

    /** The YAML routes shipped inside the jar (the embedded default); RouteFilesTest keeps it in step with routes/. */
    public static final java.util.List<String> ROUTE_FILES = java.util.List.of(
            "cycle.camel.yaml", "git.camel.yaml", "notify.camel.yaml", "report.camel.yaml", "nacc.camel.yaml");

    static final String SENSITIVE = "webhook-url,webhookurl,client-secret,clientsecret,api-key,apikey,api-token,apitoken";

    /**
     * Camel Main as the command line starts it: the routes of routes/ when there is such a folder and the
     * configuration names them, else the ones inside the jar.
     */
    static Main commandMain(Options o) {
        Main main = newMain(ConfigFile.location(o));
        if (!Files.isDirectory(Path.of("routes"))
                || ConfigFile.setting(o, "camel.main.routes-include-pattern").isEmpty()) {
            // named one by one: a wildcard would make Camel scan every entry of the 40 MB jar (~1.5 s)
            main.addOverrideProperty("camel.main.routes-include-pattern", String.join(",",
                    ROUTE_FILES.stream().map(f -> "classpath:routes/" + f).toList()));
            main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        }
        return main;
    }

    /** For commands that run a cycle and exit: no triggers, no HTTP server, no route reloading. */
    static Main oneShotMain(Options o) {
        Main main = commandMain(o);
        main.addOverrideProperty("caravan.triggers.enabled", "false");
        main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        // no trigger ever fires here, so there is no job to wait for; waiting would cost up to half a second while
        // Quartz's idle worker threads notice the stop
        main.addOverrideProperty("camel.component.quartz.interrupt-jobs-on-shutdown", "true");
        return main;
    }

    static int run(Options o, boolean once, PrintStream out, PrintStream err) {
        if (once) {
            return once(oneShotMain(o), err);
        }
        Main main = commandMain(o);
        try {
            main.run();
            return main.getExitCode();
        } catch (Exception e) {
            return startFailed(err, e);
        }
    }

    private static int once(Main main, PrintStream err) {
        try {
            main.start();
        } catch (Exception e) {
            return startFailed(err, e);
        }
        try {
            CamelContext ctx = main.getCamelContext();
            Engine engine = ctx.getRegistry().lookupByNameAndType("engine", Engine.class);
            Path lockFile = engine.journal().lockDir().resolve(CaravanConfiguration.LOCK_NAMESPACE);
            try (CycleLock lock = CycleLock.tryAcquire(lockFile)) {
                if (lock == null) {
                    err.println("caravan: another Caravan process holds the cycle lock " + lockFile
                            + "; not running a cycle");
                    return 3;
                }
                try (ProducerTemplate pt = ctx.createProducerTemplate()) {
                    pt.requestBody("direct:cycle", (Object) null);
                }
                NotifyQueue.awaitDrained(ctx);
            }
            return engine.trackingProblem().isPresent() ? 1 : 0;
        } catch (Exception e) {
            err.println("caravan: cycle failed: " + e.getMessage());
            return 1;
        } finally {
            try {
                main.stop();
            } catch (Exception e) {
                err.println("caravan: stopping: " + e.getMessage());
            }
        }
    }

    /** Start-up problems are the user's to fix: say which setting, without a stack trace. */
    private static int startFailed(PrintStream err, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException) {
                err.println("caravan: " + t.getMessage());
                return 2;
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        err.println("caravan: cannot start: " + root.getMessage());
        return 1;
    }
}
