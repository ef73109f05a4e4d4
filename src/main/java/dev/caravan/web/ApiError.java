package dev.caravan.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.caravan.batches.BatchInputException;
import dev.caravan.batches.UploadTooLargeException;
import dev.caravan.batches.service.BatchProblem;
import dev.caravan.model.BadInputException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An API error as JSON {@code {error, field?, index?, line?, column?}} and its status: 400 bad input, 401 no token,
 * 403 a wrong one, 404 no such batch or item, 409 the batch's state refuses it, 413 an upload over the limit.
 */
record ApiError(int status, Map<String, Object> body) {

    /** A refused call: 401 or 403. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static ApiError of(Throwable e) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (e instanceof Refused r) {
            return new ApiError(r.status, b);
        }
        if (e instanceof BatchProblem p) {
            return new ApiError(p.status(), b);
        }
        if (e instanceof BatchInputException i) {
            put(b, "field", i.field());
            put(b, "index", i.index());
            put(b, "line", i.line());
            put(b, "column", i.column());
            return new ApiError(e instanceof UploadTooLargeException ? 413 : 400, b);
        }
        if (e instanceof JsonProcessingException j) {
            b.put("error", "the request body is not JSON: " + j.getOriginalMessage());
            if (j.getLocation() != null) {
                b.put("line", j.getLocation().getLineNr());
                b.put("column", j.getLocation().getColumnNr());
            }
            return new ApiError(400, b);
        }
        if (e instanceof BadInputException || e instanceof IllegalArgumentException) {
            return new ApiError(400, b);
        }
        b.put("error", "internal error: " + b.get("error"));
        return new ApiError(500, b);
    }

    private static void put(Map<String, Object> b, String k, Object v) {
        if (v != null) {
            b.put(k, v);
        }
    }
}
