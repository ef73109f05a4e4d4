package dev.caravan.web;

import dev.caravan.engine.Engine;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * {@code GET /api/events}: server-sent events, one for every state change of a job, a batch or a gate, as it is
 * committed ({@link TreeEvents}). A raw Vert.x route on the platform-http server: Camel's REST DSL answers one
 * request with one response, a stream stays open.
 */
public final class EventStream {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    private final Set<HttpServerResponse> clients = new CopyOnWriteArraySet<>();
    private final Path clone;

    private EventStream(Path clone) {
        this.clone = clone;
    }

    /** Adds the route to the server on {@code port} and follows the engine's commits. */
    public static EventStream install(CamelContext context, int port, Engine engine) {
        EventStream s = new EventStream(engine.trackingDir());
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        router.route(HttpMethod.GET, "/api/events").order(-1).handler(rc -> {
            HttpServerResponse r = rc.response();
            r.setChunked(true).putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
            r.write(": caravan events\n\n");
            s.clients.add(r);
            r.closeHandler(v -> s.clients.remove(r));
            r.exceptionHandler(e -> s.clients.remove(r));
        });
        engine.onCommit(s::publish);
        return s;
    }

    void publish(Set<String> paths) {
        if (clients.isEmpty()) {
            return;
        }
        List<Map<String, Object>> events = TreeEvents.of(clone, paths);
        // when it was committed, so a page can tell how late it shows a change
        String committedAt = java.time.Instant.now().toString();
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> e : events) {
            e.put("committed_at", committedAt);
            try {
                text.append("event: ").append(e.get("type")).append('\n')
                        .append("data: ").append(BatchApi.JSON.writeValueAsString(e)).append("\n\n");
            } catch (Exception x) {
                LOG.warn("Cannot write event {}: {}", e, x.toString());
            }
        }
        if (text.isEmpty()) {
            return;
        }
        String chunk = text.toString();
        for (HttpServerResponse r : clients) {
            try {
                r.write(chunk);
            } catch (RuntimeException x) {
                clients.remove(r);
            }
        }
    }
}
