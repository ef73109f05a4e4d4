package dev.caravan.batches.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.model.BadInputException;

import java.io.IOException;

/** The JSON of the files a batch keeps: pretty, stable, read back leniently (unknown fields ignored). */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T read(String text, Class<T> type, String where) {
        try {
            return MAPPER.readValue(text, type);
        } catch (IOException e) {
            throw new BadInputException(where + ": " + e.getMessage(), e);
        }
    }
}
