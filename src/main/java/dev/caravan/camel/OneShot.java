package dev.caravan.camel;

import dev.caravan.batches.service.BatchService;
import dev.caravan.batches.service.BatchSettings;
import dev.caravan.backend.awsbatch.AwsBatchBackendFactory;
import dev.caravan.engine.Cycles;
import dev.caravan.engine.Engine;
import dev.caravan.model.Environment;
import dev.caravan.projects.AwsBatch;
import dev.caravan.projects.Environments;
import dev.caravan.projects.ProjectService;
import dev.caravan.projects.Queues;
import dev.caravan.report.PhaseTimes;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.tracking.CycleLock;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A command that runs and exits (cycle --once, import, project, dashboard, queue): takes the tracking clone's cycle
 * lock when it writes (before Camel starts: a daemon holding it means exit at once), starts Camel Main without
 * triggers, HTTP or reloading (settings checked, {@code {{ssm:}}} resolved, the clone opened or cloned as the daemon
 * does), sends its work through the same routes the daemon runs, and on close waits for its notifications to go out.
 */
public final class OneShot implements Cycles, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OneShot.class);

    /** The route header that limits a cycle to one environment. */
    public static final String ONLY_ENV = "CaravanOnlyEnv";

    /** Another process (a daemon) holds the clone's cycle lock. */
    public static final class Locked extends Exception {
        private final Path lockFile;

        Locked(Path lockFile) {
            super("another Caravan process holds the cycle lock " + lockFile);
            this.lockFile = lockFile;
        }

        public Path lockFile() {
            return lockFile;
        }
    }

    /** Camel did not start: what to say and the exit status. */
    public static final class StartFailed extends Exception {
        private final int code;

        StartFailed(CaravanMain.StartFailure f) {
            super(f.message());
            this.code = f.code();
        }

        public int code() {
            return code;
        }
    }

    private final Main main;
    private final CamelContext context;
    private final Engine engine;
    private final CaravanSettings settings;
    private Optional<CycleLock> lock;
    private final Notifier notifier;

    private OneShot(Main main, Optional<CycleLock> lock) {
        this.main = main;
        this.context = main.getCamelContext();
        this.engine = context.getRegistry().lookupByNameAndType("engine", Engine.class);
        this.settings = context.getRegistry().lookupByNameAndType("caravanSettings", CaravanSettings.class);
        this.lock = lock;
        this.notifier = context.getRegistry().lookupByNameAndType("notifier", Notifier.class);
    }

    /**
     * Starts a one-shot on a configuration (empty: config/application.properties or the embedded default).
     *
     * @param locked whether the command writes: it then holds the clone's cycle lock until {@link #close}
     */
    public static OneShot start(Optional<Path> config, boolean locked) throws Locked, StartFailed {
        Path dir = ConfigSource.trackingDir(config).toAbsolutePath().normalize();
        Optional<CycleLock> early = Optional.empty();
        if (locked && Files.isDirectory(dir.resolve(".git"))) {
            early = CycleLock.tryAcquire(dir);
            if (early.isEmpty()) {
                throw new Locked(CycleLock.file(dir));
            }
        }
        Main main = CaravanMain.forOneShot(config);
        try {
            PhaseTimes.begin("camel-start");
            main.start();
            PhaseTimes.end("camel-start");
        } catch (Exception e) {
            early.ifPresent(CycleLock::close);
            stopQuietly(main);
            throw new StartFailed(CaravanMain.startFailure(e));
        }
        OneShot s = new OneShot(main, early);
        s.notifier.hold(); // one Slack post at close, not one a second
        if (locked) {
            s.lockActualClone(dir);
        }
        return s;
    }

    /**
     * The clone did not exist before start (it was cloned just now), or the settings put it elsewhere than the file
     * said ({@code -D}, placeholders): take the lock of the clone the engine opened before anything runs.
     */
    private void lockActualClone(Path guessed) throws Locked {
        Path actual = engine.trackingDir().toAbsolutePath().normalize();
        if (lock.isPresent() && actual.equals(guessed)) {
            return;
        }
        lock.ifPresent(CycleLock::close);
        lock = CycleLock.tryAcquire(actual);
        if (lock.isEmpty()) {
            close();
            throw new Locked(CycleLock.file(actual));
        }
    }

    public Engine engine() {
        return engine;
    }

    public CaravanSettings settings() {
        return settings;
    }

    public CamelContext context() {
        return context;
    }

    /** The aws-batch-helpers projects, on this configuration's awsbatch environments and this command's routes. */
    public ProjectService projects() {
        return new ProjectService(engine.intake(), awsEnvironments(), AwsBatchCalls.RULES, this::awsBatch, this);
    }

    /** Batches people drive, on this configuration; {@code signals} hears which environments want a cycle. */
    public BatchService batches(BatchService.Signals signals) {
        BatchSettings bs = context.getRegistry().lookupByNameAndType("batchSettings", BatchSettings.class);
        return new BatchService(engine.intake(), bs, settings.environments(), settings.workDir(), signals,
                java.time.Clock.systemUTC());
    }

    /** Whole AWS Batch queues, on this configuration's awsbatch environments. */
    public Queues queues() {
        return new Queues(awsEnvironments(), this::awsBatch);
    }

    private Environments awsEnvironments() {
        return new Environments(settings.environments(), AwsBatchBackendFactory.KIND);
    }

    private AwsBatch awsBatch(Environment env) {
        return new AwsBatchCalls(env, settings.workDir());
    }

    @Override
    public void commit() {
        try (ProducerTemplate pt = context.createProducerTemplate()) {
            pt.requestBody("direct:commit", (Object) null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> run(Optional<String> env) {
        try (ProducerTemplate pt = context.createProducerTemplate()) {
            pt.requestBodyAndHeader("direct:cycle", null, ONLY_ENV, env.orElse(""));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return engine.trackingProblem();
    }

    /** Waits for the notifications to go out, stops Camel, releases the lock. */
    @Override
    public void close() {
        try {
            PhaseTimes.begin("notify-drain");
            NotifyQueue.awaitDrained(context); // what is queued is held by now
            Optional<String> held = notifier.release();
            if (held.isPresent()) {
                try (ProducerTemplate pt = context.createProducerTemplate()) {
                    pt.sendBody("seda:notify", held.get());
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.warn("Could not hand the notifications to Slack: {}", e.getMessage());
                }
                NotifyQueue.awaitDrained(context);
            }
            PhaseTimes.end("notify-drain");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PhaseTimes.begin("camel-stop");
        stopQuietly(main);
        PhaseTimes.end("camel-stop");
        lock.ifPresent(CycleLock::close);
        lock = Optional.empty();
    }

    private static void stopQuietly(Main main) {
        try {
            main.stop();
        } catch (Exception e) {
            // nothing left to do
        }
    }
}
