package dev.caravan.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.StaticHandler;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The dashboard's pages at {@code /} on the platform-http server: the files under {@code web/} in the jar, sent as
 * they are (a Vert.x {@link StaticHandler}, so images go byte for byte). The pages only call the public {@code /api}.
 */
public final class Dashboard {

    /** Flat file names at the root, never {@code /api/...} or Camel's own {@code /q/...}. */
    static final String FILES = "^/(?!api(/|$)|q(/|$))[A-Za-z0-9._-]*$";

    private Dashboard() {
    }

    public static void install(CamelContext context, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context);
        }
        // no caching: a new release's pages are seen on the next load
        StaticHandler files = StaticHandler.create("web").setCachingEnabled(false).setIndexPage("index.html")
                .setDirectoryListing(false).setIncludeHidden(false);
        router.routeWithRegex(HttpMethod.GET, FILES).order(-1).handler(files);
        router.routeWithRegex(HttpMethod.HEAD, FILES).order(-1).handler(files);
    }
}
