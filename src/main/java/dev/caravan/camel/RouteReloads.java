package dev.caravan.camel;

import dev.caravan.model.Notification;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes an edited route file while the daemon runs. Camel's own reload (stop every route, load every file again)
 * loads a file once per route it holds ("duplicate route id detected") and drops the Java routes
 * ({@code direct:submit-<env>}), so a first edit stopped the cycles for good. Here only the edited file's routes are
 * replaced, once it has parsed and its route ids have been checked against the other files'; routes it no longer
 * has are removed. When the new routes do not start, the file's last good text is loaded again. A bad edit thus
 * changes nothing that runs, and a WARNING names the file and the line.
 */
final class RouteReloads implements ResourceReload {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloads.class);
    private static final Pattern YAML_LINE = Pattern.compile("line (\\d+)");

    private final CamelContext context;
    /** Each route file's text as it runs now, by absolute path: what a failed edit goes back to. */
    private final Map<Path, byte[]> running = new ConcurrentHashMap<>();
    /** The last text refused per file: one WARNING per bad edit, though a save gives several file events. */
    private final Map<Path, byte[]> refused = new ConcurrentHashMap<>();

    private RouteReloads(CamelContext context) {
        this.context = context;
    }

    /** Puts this in place of the reload Camel Main set up for {@code camel.main.routes-reload-*}, if it did. */
    static void install(CamelContext context) throws Exception {
        for (RouteWatcherReloadStrategy watcher : context.hasServices(RouteWatcherReloadStrategy.class)) {
            RouteReloads reloads = new RouteReloads(context);
            watcher.setResourceReload(reloads);
            context.addStartupListener((StartupListener) (c, alreadyStarted) -> reloads.rememberStartTexts());
            return;
        }
    }

    @Override
    public void onReload(String name, Resource resource) {
        reload(name, resource);
    }

    private synchronized void reload(String name, Resource resource) {
        if (!context.isStarted() || context.isStopping()) {
            return; // a late file event while the daemon stops: nothing to keep running
        }
        Path file = pathOf(resource);
        if (file == null) {
            return;
        }
        String shown = shown(file);
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            removeRoutesOf(file, Set.of());
            running.remove(file);
            LOG.info("Route file {} was deleted: its routes are removed", shown);
            return;
        } catch (IOException e) {
            warn(shown + ": cannot read it (" + e.getMessage() + "); the routes running before the edit go on");
            return;
        }
        if (text.length == 0 || Arrays.equals(text, running.get(file)) || Arrays.equals(text, refused.get(file))) {
            return; // a file being written, or one more event of a save already taken or refused
        }
        refused.put(file, text);
        RouteBuilder parsed;
        List<RouteDefinition> routes;
        try {
            parsed = parse(resource);
            routes = parsed.configureRoutes(context).getRoutes();
        } catch (Exception e) {
            warn(shown + where(e, null) + ": the edit does not parse (" + rootMessage(e)
                    + "); the routes running before the edit go on");
            return;
        }
        for (RouteDefinition r : routes) {
            Route other = context.getRoute(r.getRouteId());
            if (other != null && !file.equals(sourceOf(other).orElse(null))) {
                warn(shown + line(r) + ": route id " + r.getRouteId() + " is already the id of a route in "
                        + sourceOf(other).map(RouteReloads::shown).orElse("Caravan's Java routes")
                        + "; the routes running before the edit go on");
                return;
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        routes.forEach(r -> ids.add(r.getRouteId()));
        try {
            parsed.updateRoutesToCamelContext(context);
        } catch (Exception e) {
            String failedLine = where(e, routes);
            restore(file, ids);
            warn(shown + failedLine + ": the edited routes do not start (" + rootMessage(e)
                    + "); the routes running before the edit go on");
            return;
        }
        removeRoutesOf(file, ids);
        running.put(file, text);
        refused.remove(file);
        LOG.info("Route file {} reloaded: {}", shown, String.join(", ", ids));
    }

    private RouteBuilder parse(Resource resource) throws Exception {
        List<RouteBuilder> builders = new ArrayList<>();
        for (RoutesBuilder b : PluginHelper.getRoutesLoader(context).findRoutesBuilders(List.of(resource))) {
            if (!(b instanceof RouteBuilder rb)) {
                throw new IllegalArgumentException("not a route file Caravan can reload: " + b.getClass().getName());
            }
            builders.add(rb);
        }
        if (builders.size() != 1) {
            throw new IllegalArgumentException("expected one set of routes, found " + builders.size());
        }
        return builders.get(0);
    }

    /** Back to the text that ran before the edit: its routes replace whatever of the edit got in. */
    private void restore(Path file, Set<String> editedIds) {
        for (String id : editedIds) {
            try {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            } catch (Exception e) {
                LOG.debug("Route {} of the failed edit could not be removed", id, e);
            }
        }
        byte[] before = running.get(file);
        if (before == null) {
            return;
        }
        try {
            Resource old = ResourceHelper.fromBytes("file:" + file, before);
            PluginHelper.getRoutesLoader(context).updateRoutes(List.of(old));
        } catch (Exception e) {
            LOG.error("The routes of {} as they were before the edit did not start again", shown(file), e);
        }
    }

    /** Stops and removes the routes that came from {@code file} and are not among {@code keep}. */
    private void removeRoutesOf(Path file, Set<String> keep) {
        for (Route r : List.copyOf(context.getRoutes())) {
            if (!keep.contains(r.getRouteId()) && file.equals(sourceOf(r).orElse(null))) {
                try {
                    context.getRouteController().stopRoute(r.getRouteId());
                    context.removeRoute(r.getRouteId());
                } catch (Exception e) {
                    LOG.warn("Route {} that {} no longer has could not be removed: {}", r.getRouteId(), shown(file),
                            e.getMessage());
                }
            }
        }
    }

    /** The route files as they were loaded at start (read right after, before any edit could be taken). */
    private synchronized void rememberStartTexts() {
        for (Route r : context.getRoutes()) {
            sourceOf(r).ifPresent(p -> running.computeIfAbsent(p, k -> {
                try (InputStream in = r.getSourceResource().getInputStream()) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            }));
        }
    }

    private void warn(String text) {
        Notification n = Notification.warning("route file " + text);
        if (context.getRoute("notify-all") == null) {
            LOG.warn("{}", n.text());
            return;
        }
        try (var template = context.createProducerTemplate()) {
            template.sendBody("direct:notify-all", List.of(n));
        } catch (Exception e) {
            LOG.warn("{}", n.text());
        }
    }

    /** ", line N" of the failing route (or of the YAML parser's complaint); empty when neither is known. */
    private static String where(Exception e, List<RouteDefinition> routes) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (routes != null && t instanceof FailedToCreateRouteException f) {
                for (RouteDefinition r : routes) {
                    if (r.getRouteId() != null && r.getRouteId().equals(f.getRouteId())) {
                        return line(r);
                    }
                }
            }
            Matcher m = YAML_LINE.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return " line " + m.group(1);
            }
        }
        return "";
    }

    private static String line(RouteDefinition r) {
        return r.getLineNumber() > 0 ? " line " + r.getLineNumber() + " (route " + r.getRouteId() + ")"
                : " (route " + r.getRouteId() + ")";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().map(String::strip).filter(s -> !s.isEmpty()).reduce((a, b) -> a + " " + b).orElse(m);
    }

    private static Optional<Path> sourceOf(Route r) {
        Resource res = r.getSourceResource();
        return res == null ? Optional.empty() : Optional.ofNullable(pathOf(res));
    }

    private static Path pathOf(Resource resource) {
        try {
            return Path.of(resource.getURI()).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String shown(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
    }
}
