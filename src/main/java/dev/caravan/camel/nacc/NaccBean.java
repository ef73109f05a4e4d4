package dev.caravan.camel.nacc;

import dev.caravan.backend.flywheel.FlywheelBackendFactory;
import dev.caravan.camel.NaccFlywheel;
import dev.caravan.engine.Engine;
import dev.caravan.model.BadInputException;
import dev.caravan.model.Notification;
import dev.caravan.nacc.BatchRunConfig;
import dev.caravan.nacc.FlywheelView;
import dev.caravan.nacc.NaccService;
import dev.caravan.nacc.NaccSettings;
import dev.caravan.settings.CaravanSettings;
import dev.caravan.settings.ConfigException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;

/**
 * The {@code nacc} bean of {@code routes/nacc.camel.yaml}. It is declared in the route file, so it exists before the
 * engine does: it reads and checks {@code caravan.nacc.*} when Camel hands it the context (a bad setting stops
 * start-up, naming the key) and makes the {@link NaccService} on first use, over the engine and the flywheel
 * environment's client.
 */
public final class NaccBean implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.nacc");

    private CamelContext context;
    private NaccSettings settings;
    private Clock clock = Clock.systemUTC();
    private NaccService service;
    private FlywheelView flywheel;

    @Override
    public void setCamelContext(CamelContext ctx) {
        if (ctx == null || ctx == context) {
            return;
        }
        this.context = ctx;
        var pc = ctx.getPropertiesComponent();
        NaccSettings s = NaccSettings.read(pc::resolveProperty);
        s.checkEnvironment(pc::resolveProperty);
        if (s.enabled()) {
            try {
                BatchRunConfig.read(s.batchConfigsFile().orElseThrow());
            } catch (BadInputException e) {
                throw new ConfigException(NaccSettings.BATCH_CONFIGS_FILE, e.getMessage());
            }
            LOG.info("NACC center batches on environment {}: {}, configs {}{}", s.env(), s.cron(),
                    s.batchConfigsFile().orElseThrow(), s.dryRun() ? " (dry run)" : "");
        }
        this.settings = s;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    /** For tests: the clock that dates runs and time_interval checks. */
    public void setClock(Clock clock) {
        this.clock = clock;
    }

    public NaccSettings settings() {
        return settings;
    }

    public List<Notification> plan() {
        return enabled() ? service().plan() : List.of();
    }

    public List<Notification> watch() {
        return enabled() ? service().watch() : List.of();
    }

    private boolean enabled() {
        return settings != null && settings.enabled();
    }

    private synchronized NaccService service() {
        if (service == null) {
            Engine engine = context.getRegistry().lookupByNameAndType("engine", Engine.class);
            if (engine == null) {
                throw new IllegalStateException("no engine bound in the Camel registry");
            }
            service = new NaccService(settings, engine, this::flywheel, clock);
        }
        return service;
    }

    private synchronized FlywheelView flywheel() {
        if (flywheel == null) {
            CaravanSettings cs = context.getRegistry().lookupByNameAndType("caravanSettings", CaravanSettings.class);
            flywheel = new NaccFlywheel(FlywheelBackendFactory.client(cs.environments().get(settings.env())));
        }
        return flywheel;
    }
}
