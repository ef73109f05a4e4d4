package dev.caravan.camel;

import dev.caravan.web.BatchApi;
import dev.caravan.web.Dashboard;
import dev.caravan.web.EnvironmentsApi;
import dev.caravan.web.EventStream;
import dev.caravan.web.HttpSettings;
import dev.caravan.batches.service.BatchService;
import dev.caravan.batches.service.BatchSettings;
import dev.caravan.backend.BackendFactory;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.settings.ConfigException;
import dev.caravan.engine.Engine;
import dev.caravan.scheduling.CycleAge;
import dev.caravan.secrets.Redactor;
import dev.caravan.tracking.CycleLock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.slack.SlackComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Wires Caravan into Camel Main: reads and checks every {@code caravan.*} setting (a bad one stops
 * start-up naming the key), opens the tracking repo, binds the {@code engine} and {@code notifier}
 * beans the YAML routes call, the file-lock leader election behind {@code master:}, and health checks.
 */
@Configuration
public class CaravanConfiguration implements CamelConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CaravanConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        CaravanSettings settings = readSettings(context.getPropertiesComponent());
        publishDefaults(context.getPropertiesComponent());
        if (settings.slackWebhookUrl().isBlank()) {
            // Camel Main lists the settings it resolved at start, a secret one as xxxxxx even when empty; looked up
            // once more with its (empty) default, it counts as left at its default and is not listed
            context.getPropertiesComponent().parseUri("{{caravan.slack.webhook-url:}}");
            LOG.info("Slack is off: caravan.slack.webhook-url is empty, notifications go to the log only");
        }
        Map<String, BackendFactory> factories = Backends.factories();
        Redactor.register(settings.slackWebhookUrl());
        Engine engine = Engine.open(settings, factories, Clock.systemUTC());
        context.getRegistry().bind("engine", engine);
        context.getRegistry().bind("caravanSettings", settings);
        context.getRegistry().bind("notifier", new Notifier(settings));
        BatchSettings batchSettings = BatchSettings.read(caravanKeys(context.getPropertiesComponent()),
                context.getPropertiesComponent()::resolveProperty, settings.environments().keySet());
        context.getRegistry().bind("batchSettings", batchSettings);
        BatchService batches = new BatchService(engine.intake(), batchSettings, settings.environments(),
                settings.workDir(), batchSignals(settings, engine, context), Clock.systemUTC());
        context.getRegistry().bind("batches", batches);
        if (context.getPropertiesComponent().resolveProperty("camel.server.enabled").map(Boolean::parseBoolean).orElse(false)) {
            HttpSettings http = HttpSettings.read(context.getPropertiesComponent()::resolveProperty);
            context.addRoutes(new BatchApi(batches, http));
            context.addRoutes(new EnvironmentsApi(engine, settings.environments()));
            int port = context.getPropertiesComponent().resolveProperty("camel.server.port").map(Integer::parseInt).orElse(8080);
            context.addStartupListener((ctx, alreadyStarted) -> {
                EventStream.install(ctx, port, engine);
                Dashboard.install(ctx, port);
            });
        }
        context.getRegistry().bind("pushResults", new PushResults());
        context.getRegistry().bind("submitOutcomes", new SubmitOutcomes());
        context.addRoutes(new SubmitRoutes(settings, engine));
        // chains of submissions go side by side, as many as the fastest environment's pace needs (SubmitPace)
        context.getRegistry().bind("submitPool", context.getExecutorServiceManager().newFixedThreadPool(this,
                "caravan-submit", SubmitPace.poolThreads(settings.environments().values(),
                        Runtime.getRuntime().availableProcessors())));

        if (!settings.slackWebhookUrl().isBlank()) {
            // On the component, not in the endpoint URI: URIs are logged, and the webhook URL is a secret.
            SlackComponent slack = context.getComponent("slack", SlackComponent.class);
            slack.setWebhookUrl(settings.slackWebhookUrl());
        }

        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setId("caravan-" + ProcessHandle.current().pid());
        cluster.setRoot(CycleLock.folder(engine.trackingDir()).toString());
        cluster.setAcquireLockDelay(100, TimeUnit.MILLISECONDS);
        // the first lock attempt on a fresh clone waits for the next multiple of this interval (a restart waits only the
        // delay above), and the leader writes its heartbeat at every interval: quick enough for start-up and a
        // standby's take-over (5 intervals), rare enough that an idle daemon hardly wakes for it
        cluster.setAcquireLockInterval(500, TimeUnit.MILLISECONDS);
        context.addService(cluster);
        context.getRegistry().bind("leadership", new Leadership(cluster, CycleLock.NAMESPACE));
        if (settings.triggersEnabled()) {
            FirstCycleOnLeadership first = new FirstCycleOnLeadership(cluster, CycleLock.NAMESPACE);
            context.addStartupListener(first);
            engine.alsoHoldsCycleLockSince(first::leaderSince);
            // run ends and intakes request cycles through the routes; the timers among the sources are routes too
            engine.onCycleRequest(new RouteRequester(context));
            context.addRoutes(new EventRoutes(settings, engine));
        }

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new TrackingHealthCheck(engine));
            for (String env : engine.environmentNames(null)) {
                health.register(new EnvironmentHealthCheck(engine, env));
            }
            if (settings.triggersEnabled()) {
                health.register(new SchedulerHealthCheck(engine, cluster, CycleAge.limit(settings.cycleCron(),
                        HealthSettings.maxCycleAge(context.getPropertiesComponent()), Instant.now()), Clock.systemUTC()));
            }
        }
        RouteReloads.install(context);
        context.addStartupListener(new CaravanMetrics(engine));
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                engine.close();
            }
        }, true, true);
    }

    /** The routes say {{caravan.x}}: unset keys resolve to the same defaults the Java side uses. */
    private static void publishDefaults(PropertiesComponent pc) {
        Map<String, String> all = new java.util.LinkedHashMap<>(CaravanSettings.defaults());
        all.putAll(BatchSettings.defaults());
        all.forEach((k, v) -> {
            if (pc.resolveProperty(k).isEmpty()) {
                pc.addInitialProperty(k, v);
            }
        });
    }

    /** Every caravan.* key of the properties and the system properties. */
    static Set<String> caravanKeys(PropertiesComponent pc) {
        Set<String> keys = new TreeSet<>(pc.loadProperties(k -> k.startsWith(CaravanSettings.PREFIX)).stringPropertyNames());
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith(CaravanSettings.PREFIX)) {
                keys.add(k);
            }
        }
        return keys;
    }

    static CaravanSettings readSettings(PropertiesComponent pc) {
        java.util.Properties raw = pc.loadProperties(k -> k.startsWith(CaravanSettings.PREFIX));
        Set<String> keys = caravanKeys(pc);
        try {
            return CaravanSettings.read(keys, pc::resolveProperty, Backends.factories());
        } catch (ConfigException e) {
            // an unset {{env:VAR}} resolves to nothing: say which variable, not only which setting
            String written = raw.getProperty(e.key(), "");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{env:([^:}]+)").matcher(written);
            if (m.find() && System.getenv(m.group(1)) == null) {
                throw new ConfigException(e.key(), e.problem() + " (it is written as " + written
                        + " and the environment variable " + m.group(1) + " is not set)");
            }
            throw e;
        }
    }

    /**
     * How the batch API gets the cycle that commits its change and starts work: through the daemon's coalesced,
     * leader-only requests; with triggers off (tests that run cycles themselves, tools) nothing else would run it,
     * so straight to the cycle route.
     */
    private static BatchService.Signals batchSignals(CaravanSettings settings, Engine engine, CamelContext context) {
        return settings.triggersEnabled() ? env -> engine.requestCycle(java.util.List.of(env), "batch")
                : new CycleRequests(context);
    }
}
