package dev.caravan.testkit;

import dev.caravan.camel.CaravanMain;
import dev.caravan.engine.Engine;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.apache.camel.spi.ResourceReloadStrategy;
import org.apache.camel.support.service.ServiceHelper;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A whole Caravan daemon in this JVM: Camel Main with the project's YAML routes and a properties file
 * written for the test. Triggers are off, so the test decides when a cycle runs ({@link #cycle()}).
 */
public final class DaemonHarness implements AutoCloseable {

    private final Main main;
    private final ProducerTemplate template;

    private DaemonHarness(Main main) {
        this.main = main;
        this.template = main.getCamelContext().createProducerTemplate();
    }

    /** Base settings every test daemon has; {@code props} add to and override them. */
    public static Map<String, String> base(Path dir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("camel.main.name", "caravan-test");
        p.put("camel.main.routes-include-pattern", "file:routes/*.camel.yaml");
        p.put("caravan.tracking.dir", dir.resolve("tracking").toString());
        p.put("caravan.work.dir", dir.resolve("work").toString());
        p.put("caravan.triggers.enabled", "false");
        p.put("caravan.slack.min-interval-ms", "5");
        p.put("caravan.tracking.push-interval", "0s");
        return p;
    }

    public static Path writeConfig(Path file, Map<String, String> props) throws IOException {
        Properties p = new Properties();
        p.putAll(props);
        StringWriter w = new StringWriter();
        p.store(w, "test daemon");
        Files.writeString(file, w.toString());
        return file;
    }

    public static DaemonHarness start(Path dir, Map<String, String> props) throws Exception {
        Path config = writeConfig(dir.resolve("test-" + System.nanoTime() + ".properties"), props);
        Main main = CaravanMain.newMain(java.util.Optional.of(config));
        main.start();
        return new DaemonHarness(main);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Engine engine() {
        return context().getRegistry().lookupByNameAndType("engine", Engine.class);
    }

    /** One full cycle through the routes, as the Quartz trigger would start it. */
    public void cycle() {
        template.requestBody("direct:cycle", (Object) null);
    }

    @Override
    public void close() throws Exception {
        template.close();
        // a reload still running on the file-watch thread would add routes while the context stops them
        for (ResourceReloadStrategy r : context().hasServices(ResourceReloadStrategy.class)) {
            ServiceHelper.stopService(r);
        }
        main.stop();
    }
}
