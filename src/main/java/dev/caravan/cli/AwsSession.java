package dev.caravan.cli;

import dev.caravan.aws.AwsErrors;
import dev.caravan.backend.BackendContext;
import dev.caravan.backend.awsbatch.AwsBatchBackend;
import dev.caravan.backend.awsbatch.AwsBatchBackendFactory;
import dev.caravan.camel.NotifyQueue;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.engine.Engine;
import dev.caravan.model.Environment;
import dev.caravan.model.Notification;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Caravan as a one-shot command needs it: Camel Main started on the configuration (settings checked, {{ssm:}}
 * resolved, tracking repo open), no trigger, no HTTP server; the engine, the settings, and one cycle of one
 * environment on demand, under the daemons' cycle lock.
 */
final class AwsSession implements AutoCloseable {

    private final Main main;
    private final CamelContext ctx;
    private final Engine engine;
    private final CaravanSettings settings;
    private CycleLock lock;
    private AwsBatchBackend backend;

    private AwsSession(Main main) {
        this.main = main;
        this.ctx = main.getCamelContext();
        this.engine = ctx.getRegistry().lookupByNameAndType("engine", Engine.class);
        this.settings = ctx.getRegistry().lookupByNameAndType("caravanSettings", CaravanSettings.class);
    }

    /** Starts Camel Main; a bad setting throws {@link StartException} with the message and exit status to use. */
    static AwsSession open(Options o) {
        Main main = Daemon.oneShotMain(o);
        try {
            main.start();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof dev.caravan.settings.ConfigException) {
                    throw new StartException(t.getMessage(), 2);
                }
            }
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new StartException("cannot start: " + root.getMessage(), 1);
        }
        return new AwsSession(main);
    }

    /**
     * What an AWS command prints when it fails, and its exit status: the start-up's own status, 2 for a usage
     * mistake, 1 for bad input, an AWS error (described without the SDK's noise) or anything else.
     */
    static int failed(Exception e, PrintStream err) {
        if (e instanceof StartException s) {
            err.println("caravan: " + s.getMessage());
            return s.code;
        }
        if (e instanceof UsageException) {
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

    /** Start-up failed: what to print and the exit status. */
    static final class StartException extends RuntimeException {
        final int code;

        StartException(String message, int code) {
            super(message);
            this.code = code;
        }
    }

    Engine engine() {
        return engine;
    }

    CaravanSettings settings() {
        return settings;
    }

    /** Takes the daemons' cycle lock; false while another process holds it. */
    boolean lock() throws IOException {
        Path lockFile = engine.journal().lockDir().resolve(dev.caravan.camel.CaravanConfiguration.LOCK_NAMESPACE);
        lock = CycleLock.tryAcquire(lockFile);
        return lock != null;
    }

    Path lockFile() {
        return engine.journal().lockDir().resolve(dev.caravan.camel.CaravanConfiguration.LOCK_NAMESPACE);
    }

    /**
     * The awsbatch environment to use: the one named, else the only one. The message says what is wrong.
     */
    Environment awsEnvironment(Optional<String> name) {
        List<Environment> aws = settings.environments().values().stream()
                .filter(e -> e.backend().equals(AwsBatchBackendFactory.KIND)).toList();
        if (name.isPresent()) {
            Environment e = settings.environments().get(name.get());
            if (e == null) {
                throw new UsageException("no environment '" + name.get() + "' in the configuration (caravan.env."
                        + name.get() + ".backend = awsbatch)");
            }
            if (!e.backend().equals(AwsBatchBackendFactory.KIND)) {
                throw new UsageException("environment '" + name.get() + "' is a " + e.backend() + " environment, not awsbatch");
            }
            return e;
        }
        if (aws.isEmpty()) {
            throw new UsageException("no awsbatch environment in the configuration (caravan.env.<name>.backend = awsbatch);"
                    + " give --config FILE");
        }
        if (aws.size() > 1) {
            throw new UsageException("several awsbatch environments (" + String.join(", ", aws.stream().map(Environment::name)
                    .toList()) + "): say which with --env NAME");
        }
        return aws.get(0);
    }

    /** A backend of its own for the command's direct AWS calls (status, logs, cancel, queue). */
    AwsBatchBackend backend(Environment env) {
        if (backend == null) {
            backend = AwsBatchBackendFactory.create(AwsBatchBackendFactory.config(env),
                    new BackendContext(settings.workDir().toAbsolutePath(), Clock.systemUTC()));
        }
        return backend;
    }

    /**
     * One cycle of one environment, as the cycle route runs it for each: admin merge, reconcile, poll, gates, release,
     * then commit and push when due. Returns the problem, if the cycle stopped.
     */
    Optional<String> cycle(String env) {
        try (ProducerTemplate pt = ctx.createProducerTemplate()) {
            try {
                pt.requestBody("direct:notify-all", engine.beginCycle());
                pt.requestBodyAndHeader("direct:cycle-environment", null, "CaravanEnv", env);
                pt.requestBody("direct:commit", (Object) null);
                pt.requestBody("direct:push", (Object) null);
                engine.cycleSucceeded();
                return Optional.empty();
            } catch (Exception e) {
                List<Notification> n = engine.cycleFailed(e);
                pt.requestBody("direct:notify-all", n);
                return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            NotifyQueue.awaitDrained(ctx);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (backend != null) {
            backend.close();
        }
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException ignored) {
            // released with the process anyway
        }
        try {
            main.stop();
        } catch (Exception ignored) {
            // nothing left to do
        }
    }
}
