package dev.caravan.cli;

import dev.caravan.camel.CaravanMain;
import dev.caravan.camel.OneShot;
import org.apache.camel.main.Main;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/** {@code run} and {@code cycle --once}: Camel Main as the daemon, or one cycle through a {@link OneShot}. */
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

    static int run(Options o, boolean once, PrintStream out, PrintStream err) {
        Optional<Path> config = Cli.config(o);
        if (once) {
            return once(config, err);
        }
        Main main = CaravanMain.forCommand(config);
        try {
            main.run();
            return main.getExitCode();
        } catch (Exception e) {
            CaravanMain.StartFailure f = CaravanMain.startFailure(e);
            err.println("caravan: " + f.message());
            return f.code();
        }
    }

    private static int once(Optional<Path> config, PrintStream err) {
        try (OneShot s = OneShot.start(config, true)) {
            return s.run(Optional.empty()).isPresent() ? 1 : 0;
        } catch (OneShot.Locked e) {
            err.println("caravan: " + e.getMessage() + "; not running a cycle");
            return 3;
        } catch (OneShot.StartFailed e) {
            err.println("caravan: " + e.getMessage());
            return e.code();
        } catch (RuntimeException e) {
            err.println("caravan: cycle failed: " + e.getMessage());
            return 1;
        }
    }
}
