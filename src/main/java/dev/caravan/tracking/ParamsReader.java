package dev.caravan.tracking;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.model.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads a job's params.json: a JSON object, at most 1 MiB, errors naming the file and line. */
public final class ParamsReader {

    static final long MAX_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public Map<String, Object> read(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new BadInputException(file + ": " + size + " bytes is over the 1 MiB limit for params.json");
            }
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new BadInputException(file + ": params.json must hold one JSON object");
            }
            return JSON.convertValue(node, JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            String what = e instanceof JsonParseException ? "malformed JSON" : "invalid JSON";
            throw new BadInputException(file + (line > 0 ? ":" + line : "") + ": " + what + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
