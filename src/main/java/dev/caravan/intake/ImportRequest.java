package dev.caravan.intake;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code caravan import} was asked to do.
 *
 * @param group     the group the jobs go to ({@code --group}); must be a safe folder name
 * @param batch     the batch name ({@code --batch}), or {@code auto} for today's date (UTC) with the first
 *                  free {@code a}..{@code z} suffix when a batch of that date already exists
 * @param from      the input file ({@code --from}): {@code .csv}, {@code .jsonl}/{@code .ndjson} or {@code .json}
 * @param uniqueKey the field whose values must not repeat within the group ({@code --unique-key}), if any
 */
public record ImportRequest(String group, String batch, Path from, Optional<String> uniqueKey) {

    /** The {@code --batch} value that asks for a date-named batch. */
    public static final String AUTO = "auto";

    public ImportRequest {
        uniqueKey = uniqueKey == null ? Optional.empty() : uniqueKey;
    }
}
