package dev.caravan.camel;

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

    static final int SUBMIT_THREADS = 32;

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
        context.getRegistry().bind("pushResults", new PushResults());
        context.getRegistry().bind("submitOutcomes", new SubmitOutcomes());
        context.addRoutes(new SubmitRoutes(settings));
        // chains of submissions go side by side; AWS Batch's 50/s with ~40 ms per call needs more than Camel's 10
        context.getRegistry().bind("submitPool", context.getExecutorServiceManager()
                .newFixedThreadPool(this, "caravan-submit", SUBMIT_THREADS));

        if (!settings.slackWebhookUrl().isBlank()) {
            // On the component, not in the endpoint URI: URIs are logged, and the webhook URL is a secret.
            SlackComponent slack = context.getComponent("slack", SlackComponent.class);
            slack.setWebhookUrl(settings.slackWebhookUrl());
        }

        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setId("caravan-" + ProcessHandle.current().pid());
        cluster.setRoot(CycleLock.folder(engine.trackingDir()).toString());
        cluster.setAcquireLockDelay(100, TimeUnit.MILLISECONDS);
        // the first lock attempt waits for the next multiple of this interval: keep start-up quick
        cluster.setAcquireLockInterval(250, TimeUnit.MILLISECONDS);
        context.addService(cluster);
        if (settings.triggersEnabled()) {
            context.addStartupListener(new FirstCycleOnLeadership(cluster, CycleLock.NAMESPACE));
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
        CaravanSettings.defaults().forEach((k, v) -> {
            if (pc.resolveProperty(k).isEmpty()) {
                pc.addInitialProperty(k, v);
            }
        });
    }

    static CaravanSettings readSettings(PropertiesComponent pc) {
        java.util.Properties raw = pc.loadProperties(k -> k.startsWith(CaravanSettings.PREFIX));
        Set<String> keys = new TreeSet<>(raw.stringPropertyNames());
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith(CaravanSettings.PREFIX)) {
                keys.add(k);
            }
        }
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
}
