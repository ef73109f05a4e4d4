package dev.caravan.scheduling;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.model.BadInputException;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a batch people drive may release its items ({@code jobs/<group>/<batch>/release.json}, written by the batches
 * capability): only once started, only to its environment, at most {@code parallel} at a time (0: the environment's
 * limit), in {@code order}, from position {@code from} on (earlier items stay as they are). A batch without this
 * file is released as every other batch is.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchRelease(@JsonProperty("started") boolean started,
                           @JsonProperty("environment") String environment,
                           @JsonProperty("parallel") int parallel,
                           @JsonProperty("order") List<String> order,
                           @JsonProperty("from") int from) {

    public static final String FILE = "release.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public BatchRelease {
        order = order == null ? List.of() : List.copyOf(order);
    }

    /** A batch that is not started: the state of every batch just created. */
    public static BatchRelease notStarted(String environment, int parallel, List<String> order) {
        return new BatchRelease(false, environment, parallel, order, 0);
    }

    public BatchRelease withStart(boolean on, int fromPosition) {
        return new BatchRelease(on, environment, parallel, order, fromPosition);
    }

    public BatchRelease withOrder(List<String> newOrder) {
        return new BatchRelease(started, environment, parallel, newOrder, from);
    }

    public static BatchRelease parse(String json, String where) {
        try {
            BatchRelease r = JSON.readValue(json, BatchRelease.class);
            if (r.environment == null || r.environment.isBlank()) {
                throw new BadInputException(where + ": field 'environment' is missing");
            }
            return r;
        } catch (IOException e) {
            throw new BadInputException(where + ": not a release rule: " + e.getMessage(), e);
        }
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Each item's place in the order; items not listed (added later) come after all listed ones. */
    public Map<String, Integer> positions() {
        Map<String, Integer> out = new HashMap<>(order.size() * 2);
        for (int i = 0; i < order.size(); i++) {
            out.putIfAbsent(order.get(i), i);
        }
        return out;
    }
}
