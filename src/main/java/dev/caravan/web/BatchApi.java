package dev.caravan.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.UploadTooLargeException;
import dev.caravan.batches.export.ClusterExport;
import dev.caravan.batches.service.BatchService;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The batches HTTP API on Camel's REST DSL over platform-http (the daemon's one HTTP server, 127.0.0.1 by default):
 * JSON in and out, errors as {@code {error, field?, index?, line?}}, every change behind the bearer token rule of
 * {@link HttpSettings}. Each endpoint parses, calls {@link BatchService} and renders; nothing else. The work runs
 * off the server's event loop ({@code threads}): a validation over 100,000 features must not stall other requests
 * or the event stream.
 */
public final class BatchApi extends RouteBuilder {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String P = "/batches/{group}/{batch}";

    private final BatchService service;
    private final HttpSettings http;
    /** The JSON of the batch views answered last, by "group/batch" (as many as the service keeps views). */
    private final Map<String, Rendered> rendered = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Rendered> eldest) {
            return size() > BatchService.CACHED_VIEWS;
        }
    });

    public BatchApi(BatchService service, HttpSettings http) {
        this.service = service;
        this.http = http;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http").contextPath("/api").bindingMode(RestBindingMode.off)
                .clientRequestValidation(false);

        onException(Exception.class).handled(true).process(this::error);

        rest("/")
                .get("/openapi.json").to("direct:api-openapi")
                .get("/batches").to("direct:api-list")
                .post("/batches").to("direct:api-create")
                .get(P).to("direct:api-get")
                .delete(P).to("direct:api-delete")
                .put(P + "/resource").to("direct:api-resource")
                .post(P + "/template").to("direct:api-template")
                .put(P + "/tasks").to("direct:api-tasks")
                .post(P + "/start").to("direct:api-start")
                .delete(P + "/schedule").to("direct:api-unschedule")
                .post(P + "/abort").to("direct:api-abort")
                .post(P + "/retry").to("direct:api-retry")
                .get(P + "/export").to("direct:api-export")
                .get(P + "/items/{job_id}").to("direct:api-item")
                .delete(P + "/items/{job_id}").to("direct:api-item-delete")
                .post(P + "/items/{job_id}/abort").to("direct:api-item-abort")
                .get(P + "/items/{job_id}/log").to("direct:api-item-log");

        from("direct:api-openapi").routeId("api-openapi").process(e -> {
            try (InputStream in = BatchApi.class.getResourceAsStream("openapi.json")) {
                e.getMessage().setBody(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        });
        read("list", e -> service.list());
        change("create", e -> created(e, service.create(body(e))));
        from("direct:api-get").routeId("api-get").threads(2, 8).process(this::getBatch);
        change("delete", e -> service.delete(g(e), b(e)));
        change("resource", e -> service.putResource(g(e), b(e), upload(e), new BatchService.UploadHint(
                e.getMessage().getHeader("format", String.class), e.getMessage().getHeader("filename", String.class),
                e.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class))));
        change("template", e -> service.template(g(e), b(e), template(e)));
        change("tasks", e -> service.tasks(g(e), b(e), body(e)));
        change("start", e -> service.start(g(e), b(e), body(e)));
        change("unschedule", e -> service.unschedule(g(e), b(e)));
        change("abort", e -> service.abort(g(e), b(e)));
        change("retry", e -> service.retry(g(e), b(e)));
        from("direct:api-export").routeId("api-export").threads(2, 8).process(e -> {
            ClusterExport.Archive a = service.export(g(e), b(e));
            e.getMessage().setBody(a.bytes());
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/gzip");
            e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + a.fileName() + "\"");
        });
        read("item", e -> service.item(g(e), b(e), item(e)));
        change("item-delete", e -> service.deleteItem(g(e), b(e), item(e)));
        change("item-abort", e -> service.abortItem(g(e), b(e), item(e)));
        from("direct:api-item-log").routeId("api-item-log").threads(2, 8).process(e -> {
            String stream = Optional.ofNullable(e.getMessage().getHeader("stream", String.class)).orElse("stdout");
            String tail = Optional.ofNullable(e.getMessage().getHeader("tail", String.class)).orElse("100");
            int n;
            try {
                n = Integer.parseInt(tail);
            } catch (NumberFormatException x) {
                throw BatchInputException.field("tail", "tail must be a whole number");
            }
            e.getMessage().setBody(service.log(g(e), b(e), item(e), stream, n));
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        });
    }

    /**
     * A batch's view as JSON. The service hands back the same view object until something of the batch changes, so
     * it is written once per change, not once per GET (10,000 items are about 1.3 MB of JSON).
     */
    private void getBatch(Exchange e) throws Exception {
        String key = g(e) + "/" + b(e);
        Map<String, Object> view = service.get(g(e), b(e));
        Rendered r = rendered.get(key);
        if (r == null || r.view() != view) {
            r = new Rendered(view, JSON.writeValueAsBytes(view));
            rendered.put(key, r);
        }
        answer(e, 200, r.json());
    }

    /** A view as it was written; compared by identity, as the service keeps its views unchanged. */
    private record Rendered(Map<String, Object> view, byte[] json) {
    }

    /** A call that reads: no token needed. */
    private void read(String name, Answer answer) {
        from("direct:api-" + name).routeId("api-" + name).threads(2, 8).process(e -> json(e, 200, answer.of(e)));
    }

    /** A call that changes something: the token rule first. */
    private void change(String name, Answer answer) {
        from("direct:api-" + name).routeId("api-" + name).threads(2, 8).process(this::authorise).process(e -> {
            Object out = answer.of(e);
            json(e, e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE) instanceof Integer i ? i : 200, out);
        });
    }

    @FunctionalInterface
    private interface Answer {
        Object of(Exchange e) throws Exception;
    }

    private void authorise(Exchange e) {
        if (http.token().isEmpty()) {
            return; // loopback only: HttpSettings refuses any other bind without a token
        }
        String header = e.getMessage().getHeader("Authorization", String.class);
        // the header is removed before anything could log it
        e.getMessage().removeHeader("Authorization");
        if (header == null || header.isBlank()) {
            throw new ApiError.Refused(401, "this call changes something: send Authorization: Bearer <caravan.http.token>");
        }
        String given = header.startsWith("Bearer ") ? header.substring(7).strip() : "";
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), http.token().get().getBytes(StandardCharsets.UTF_8))) {
            throw new ApiError.Refused(403, "the bearer token is not caravan.http.token");
        }
    }

    private static Object created(Exchange e, Object body) {
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        return body;
    }

    private void error(Exchange e) {
        Throwable t = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiError a = ApiError.of(t);
        if (a.status() == 500) {
            log.error("API call {} {} failed", e.getMessage().getHeader(Exchange.HTTP_METHOD),
                    e.getMessage().getHeader(Exchange.HTTP_URI), t);
        }
        e.getMessage().removeHeader("Authorization");
        json(e, a.status(), a.body());
    }

    static void json(Exchange e, int status, Object body) {
        try {
            answer(e, status, JSON.writeValueAsBytes(body));
        } catch (Exception x) {
            throw new IllegalStateException(x);
        }
    }

    /**
     * The answer as a ByteBuffer: platform-http writes one in a single piece, where a byte[] would be turned into a
     * stream and pumped 16 KB at a time, each piece read on a worker thread (80 hand-overs for 1.3 MB).
     */
    private static void answer(Exchange e, int status, byte[] json) {
        e.getMessage().setBody(ByteBuffer.wrap(json));
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Exchange e) throws Exception {
        byte[] bytes = e.getMessage().getBody(byte[].class);
        if (bytes == null || bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return new LinkedHashMap<>();
        }
        Object v = JSON.readValue(bytes, Object.class);
        if (!(v instanceof Map<?, ?> m)) {
            throw BatchInputException.field("body", "the request body must be a JSON object");
        }
        return (Map<String, Object>) m;
    }

    private static String template(Exchange e) throws Exception {
        Object t = body(e).get("template");
        if (t != null && !(t instanceof String)) {
            throw BatchInputException.field("template", "template must be a string");
        }
        return (String) t;
    }

    /** The upload, refused before it is read when it says it is larger than the limit. */
    private InputStream upload(Exchange e) {
        Long length = e.getMessage().getHeader(Exchange.CONTENT_LENGTH, Long.class);
        long max = service.settings().maxUpload();
        if (length != null && length > max) {
            throw new UploadTooLargeException("resource", max);
        }
        byte[] bytes = e.getMessage().getBody(byte[].class);
        return new ByteArrayInputStream(bytes == null ? new byte[0] : bytes);
    }

    private static String g(Exchange e) {
        return e.getMessage().getHeader("group", String.class);
    }

    private static String b(Exchange e) {
        return e.getMessage().getHeader("batch", String.class);
    }

    private static String item(Exchange e) {
        return e.getMessage().getHeader("job_id", String.class);
    }
}
