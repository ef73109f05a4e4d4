package dev.caravan.backend.wes;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.emulators.wes.Multipart;
import dev.caravan.emulators.wes.WesEmulator;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The official WES 1.1.0 OpenAPI file ({@code ../shared/specs/wes-1.1.0.openapi.yaml}) as a validator of what the
 * client sends. The file's one remote {@code $ref} (GA4GH service-info's {@code Service}) is replaced by a local stub,
 * in a temporary copy, so validation needs no network. On top of the validator's own checks (path, method, path and
 * query parameters, headers), the body of {@code POST /runs}, which the validator does not read (multipart), is
 * parsed here and checked against the spec's own multipart form schema and, JSON fields decoded, against its
 * {@code RunRequest} schema (the form schema alone only says "string").
 */
final class WesOpenApi {

    static final Path SPEC = Path.of("../shared/specs/wes-1.1.0.openapi.yaml");

    private static final Pattern REMOTE_REF = Pattern.compile(
            "\\$ref:\\s*'(https?://[^'#]+)#/components/schemas/([A-Za-z0-9_]+)'");
    private static final String SERVICE_STUB = """
                Service:
                  title: Service
                  description: local stub of GA4GH service-info 1.0.0 Service (the spec refers to it remotely)
                  type: object
                  required: [id, name, type, organization, version]
                  properties:
                    id: {type: string}
                    name: {type: string}
                    type:
                      type: object
                      required: [group, artifact, version]
                      properties:
                        group: {type: string}
                        artifact: {type: string}
                        version: {type: string}
                    description: {type: string}
                    organization:
                      type: object
                      required: [name, url]
                      properties:
                        name: {type: string}
                        url: {type: string}
                    contactUrl: {type: string}
                    documentationUrl: {type: string}
                    createdAt: {type: string}
                    updatedAt: {type: string}
                    environment: {type: string}
                    version: {type: string}
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenApiInteractionValidator validator;
    private final OpenAPI api;

    private WesOpenApi(Path localCopy) {
        this.validator = OpenApiInteractionValidator.createForSpecificationUrl(localCopy.toUri().toString())
                .withBasePathOverride(WesEmulator.GA4GH_BASE)
                .withResolveCombinators(true) // allOf (RunSummary, ServiceInfo) as one schema
                .build();
        this.api = new OpenAPIV3Parser().read(localCopy.toString());
    }

    /** Skips the calling test (with a message) when ../shared is absent. */
    static WesOpenApi load(Path tempDir) throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(SPEC), "../shared/specs/wes-1.1.0.openapi.yaml is absent (run from"
                + " a checkout next to ../shared): the GA4GH requests cannot be validated against the official spec");
        String text = Files.readString(SPEC);
        Matcher m = REMOTE_REF.matcher(text);
        List<String> stubbed = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            stubbed.add(m.group(2));
            m.appendReplacement(sb, Matcher.quoteReplacement("$ref: '#/components/schemas/" + m.group(2) + "'"));
        }
        m.appendTail(sb);
        if (!stubbed.equals(List.of("Service"))) {
            throw new IllegalStateException("expected exactly one remote $ref (service-info's Service), found " + stubbed);
        }
        String local = sb.toString().replaceFirst("(?m)^components:\\n  schemas:\\n",
                Matcher.quoteReplacement("components:\n  schemas:\n" + SERVICE_STUB));
        if (local.contains("raw.githubusercontent.com") || !local.contains("    Service:\n")) {
            throw new IllegalStateException("could not stub the remote $ref of " + SPEC);
        }
        Path copy = tempDir.resolve("wes-1.1.0.local.openapi.yaml");
        Files.writeString(copy, local);
        return new WesOpenApi(copy);
    }

    /** Wraps the emulator: every WES request it receives is validated (token and GraphQL calls are not WES). */
    void guard(WesEmulator emulator) {
        emulator.inspect(this::check);
    }

    Optional<String> check(WesEmulator.Request r) {
        if (r.kind() == WesEmulator.Kind.TOKEN || r.kind() == WesEmulator.Kind.GRAPHQL) {
            return Optional.empty();
        }
        SimpleRequest.Builder b = new SimpleRequest.Builder(r.method(), r.path());
        r.headers().forEach((k, v) -> b.withHeader(k, v));
        if (r.rawQuery() != null) {
            for (String pair : r.rawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                b.withQueryParam(name, value);
            }
        }
        if (r.body().length > 0) {
            b.withBody(r.body());
        }
        ValidationReport report = validator.validateRequest(b.build());
        List<String> problems = new ArrayList<>();
        if (report.hasErrors()) {
            problems.add(SimpleValidationReportFormat.getInstance().apply(report));
        }
        if (r.kind() == WesEmulator.Kind.SUBMIT && r.method().equals(Request.Method.POST.name())) {
            runRequestProblems(r).ifPresent(problems::add);
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** The multipart fields, JSON-decoded, against {@code #/components/schemas/RunRequest}. */
    private Optional<String> runRequestProblems(WesEmulator.Request r) {
        Map<String, String> fields;
        try {
            fields = Multipart.parse(r.contentType() == null ? "" : r.contentType(), r.body());
        } catch (IllegalArgumentException e) {
            return Optional.of("multipart body does not parse: " + e.getMessage());
        }
        // the spec's form schema for POST /runs (every field a string); the validator itself skips multipart bodies
        ObjectNode form = JSON.createObjectNode();
        fields.forEach((k, v) -> {
            if (!k.equals("workflow_attachment")) {
                form.put(k, v);
            }
        });
        SchemaValidator schemas = new SchemaValidator(api, new MessageResolver());
        io.swagger.v3.oas.models.media.Schema<?> formSchema = api.getPaths().get("/runs").getPost().getRequestBody()
                .getContent().get("multipart/form-data").getSchema();
        ValidationReport formReport = schemas.validate(() -> form, formSchema, "RunWorkflow form");
        if (formReport.hasErrors()) {
            return Optional.of(SimpleValidationReportFormat.getInstance().apply(formReport));
        }
        ObjectNode runRequest = JSON.createObjectNode();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            switch (f.getKey()) {
                case "workflow_params", "tags", "workflow_engine_parameters" -> {
                    try {
                        runRequest.set(f.getKey(), JSON.readTree(f.getValue()));
                    } catch (IOException e) {
                        return Optional.of(f.getKey() + " is not JSON");
                    }
                }
                case "workflow_attachment" -> {
                }
                default -> runRequest.put(f.getKey(), f.getValue());
            }
        }
        ValidationReport report = schemas.validate(() -> runRequest, api.getComponents().getSchemas().get("RunRequest"),
                "RunRequest");
        return report.hasErrors() ? Optional.of(SimpleValidationReportFormat.getInstance().apply(report)) : Optional.empty();
    }

    /** A response of the emulator against the spec (to keep the emulator honest). */
    Optional<String> checkResponse(WesEmulator.Request r, int status, String body) {
        if (r.kind() == WesEmulator.Kind.TOKEN || r.kind() == WesEmulator.Kind.GRAPHQL
                || r.kind() == WesEmulator.Kind.OTHER || status >= 500 || status == 429) { // injected faults
            return Optional.empty();
        }
        SimpleResponse response = SimpleResponse.Builder.status(status).withContentType("application/json")
                .withBody(body).build();
        String path = r.path().substring(WesEmulator.GA4GH_BASE.length());
        ValidationReport report = validator.validateResponse(WesEmulator.GA4GH_BASE + path,
                Request.Method.valueOf(r.method()), response);
        return report.hasErrors() ? Optional.of(SimpleValidationReportFormat.getInstance().apply(report)) : Optional.empty();
    }

    static JsonNode tree(String json) throws IOException {
        return JSON.readTree(json);
    }
}
