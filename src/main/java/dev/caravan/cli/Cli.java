package dev.caravan.cli;

import dev.caravan.aws.AwsErrors;
import dev.caravan.camel.ConfigSource;
import dev.caravan.camel.OneShot;
import dev.caravan.model.BadInputException;
import dev.caravan.projects.UsageProblem;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/** What every command shares: where its configuration is, and how a failure is said and which exit status it has. */
final class Cli {

    private Cli() {
    }

    /** {@code --config FILE}, else config/application.properties, else empty (the embedded default). */
    static Optional<Path> config(Options o) {
        try {
            return ConfigSource.location(o.value("config"));
        } catch (BadInputException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code --tracking DIR}, else {@code caravan.tracking.dir} of the configuration. */
    static Path trackingDir(Options o) {
        return o.value("tracking").map(Path::of).orElseGet(() -> ConfigSource.trackingDir(config(o)));
    }

    /**
     * What a command prints when it fails, and its exit status: the start-up's own status, 3 for a held lock, 2 for a
     * usage mistake, 1 for bad input, an AWS error (described without the SDK's noise) or anything else.
     */
    static int failed(Exception e, PrintStream err) {
        if (e instanceof OneShot.StartFailed s) {
            err.println("caravan: " + s.getMessage());
            return s.code();
        }
        if (e instanceof OneShot.Locked l) {
            err.println("caravan: " + l.getMessage() + " (a daemon?); stop it, or run this where no daemon runs on the"
                    + " tracking repo");
            return 3;
        }
        if (e instanceof UsageException || e instanceof UsageProblem) {
            err.println("caravan: " + e.getMessage());
            return 2;
        }
        if (e instanceof SdkException sdk) {
            err.println("caravan: AWS: " + AwsErrors.describe(sdk));
            return 1;
        }
        err.println("caravan: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return 1;
    }

    /**
     * Whether the person agrees to {@code what}: {@code --yes}, else asked on the terminal; without one, a message
     * saying to add {@code --yes}.
     */
    static boolean confirmed(boolean yes, String what, PrintStream out, PrintStream err) {
        if (yes) {
            return true;
        }
        if (System.console() == null) {
            err.println("caravan: about to " + what + "; add --yes to confirm (no terminal to ask on)");
            return false;
        }
        out.print("About to " + what + ". Go on? (Y/N): ");
        out.flush();
        String answer = System.console().readLine();
        if (answer == null || !answer.trim().equalsIgnoreCase("y")) {
            err.println("caravan: not confirmed; nothing cancelled");
            return false;
        }
        return true;
    }
}
