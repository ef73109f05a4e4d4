package dev.caravan.backend.wes;

import java.util.Locale;
import java.util.Optional;

/** Which WES flavour an environment speaks ({@code caravan.env.<name>.wes-dialect}). */
enum Dialect {

    /**
     * GA4GH WES 1.1.0: {@code POST /runs} as multipart/form-data with JSON-encoded fields, state from
     * {@code GET /runs/{id}/status}, details from {@code GET /runs/{id}}, opaque string page tokens.
     */
    GA4GH("ga4gh"),

    /**
     * ICGC-ARGO RDPC: {@code POST /runs} with a JSON body ({@code workflow_engine_params} in camelCase), state from the
     * RDPC GraphQL API ({@code graphql-url}), integer page tokens.
     */
    ARGO("argo");

    private final String setting;

    Dialect(String setting) {
        this.setting = setting;
    }

    String setting() {
        return setting;
    }

    static Optional<Dialect> parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (d.setting.equals(v)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
