package dev.caravan.batches.template;

import dev.caravan.batches.python.Budget;
import dev.caravan.batches.python.Limits;
import dev.caravan.batches.python.PyException;
import dev.caravan.batches.python.PyText;
import dev.caravan.batches.BatchNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Validates a run-id template over every feature, as WEPPcloud's validate_template does, plus the rule
 * that a run id becomes a job folder: not empty after trimming, not {@code .} or {@code ..}, no
 * {@code /}, {@code \} or NUL, a safe item id ({@link BatchNames#isSafeItemId}), and unique.
 */
public final class RunIdValidator {

    public static final int PREVIEW_ROWS = 20;
    public static final int LISTED = 50;

    private RunIdValidator() {
    }

    /** Compiles and validates; a template that cannot compile throws {@link TemplateException}. */
    public static RunIdValidation validate(String template, List<Map<String, Object>> features,
            String resourceChecksum) {
        return validate(RunIdTemplate.compile(template), features, resourceChecksum);
    }

    public static RunIdValidation validate(RunIdTemplate template, List<Map<String, Object>> features,
            String resourceChecksum) {
        return validate(template, features.size(), i -> Names.of(features.get(i), i), i -> features.get(i).get("id"),
                resourceChecksum);
    }

    /**
     * The same over the rows of a CSV / JSON / JSON-lines resource: {@code properties} and {@code feature} are the
     * row, and a row has no feature id.
     */
    public static RunIdValidation validateRows(String template, List<Map<String, Object>> rows, String resourceChecksum) {
        return validate(RunIdTemplate.compile(template), rows.size(), i -> Names.ofRow(rows.get(i), i), i -> null,
                resourceChecksum);
    }

    private static RunIdValidation validate(RunIdTemplate template, int count, IntFunction<Object[]> names,
            IntFunction<Object> ids, String resourceChecksum) {
        List<String> runIds = new ArrayList<>(count);
        List<RunIdValidation.FeatureError> errors = new ArrayList<>();
        List<RunIdValidation.Row> preview = new ArrayList<>();
        // each run id's first index; a list of indexes only for duplicates, in the order they were found (a list per
        // run id was most of the allocation over 100,000 features)
        Map<String, Integer> seen = new HashMap<>(count * 2);
        Map<String, List<Integer>> duplicated = new LinkedHashMap<>();
        int errorCount = 0;
        long totalSteps = 0;
        for (int index = 0; index < count; index++) {
            Object featureId = ids.apply(index);
            String runId = null;
            String error;
            Budget budget = new Budget(Limits.MAX_STEPS);
            try {
                runId = PyText.strip(template.render(names.apply(index), budget));
                error = problem(runId);
            } catch (PyException e) {
                error = e.pyType().equals("LimitError") ? e.detail() : e.getMessage();
            }
            totalSteps += budget.used();
            if (totalSteps > Limits.MAX_TOTAL_STEPS) {
                throw new TemplateException("the template costs too much to evaluate over " + count
                        + " items (more than " + Limits.MAX_TOTAL_STEPS + " steps); simplify it");
            }
            if (error != null) {
                errorCount++;
                runId = null;
                if (errors.size() < LISTED) {
                    errors.add(new RunIdValidation.FeatureError(index, featureId, error));
                }
            } else {
                Integer first = seen.putIfAbsent(runId, index);
                if (first != null) {
                    duplicated.computeIfAbsent(runId, k -> new ArrayList<>(List.of(first))).add(index);
                }
            }
            runIds.add(runId);
            if (preview.size() < PREVIEW_ROWS) {
                preview.add(new RunIdValidation.Row(index, featureId, runId, error));
            }
        }
        List<RunIdValidation.Duplicate> duplicates = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> d : duplicated.entrySet()) {
            if (duplicates.size() == LISTED) {
                break;
            }
            String id = d.getKey();
            List<Integer> indexes = d.getValue();
            duplicates.add(new RunIdValidation.Duplicate(id, indexes.size(),
                    List.copyOf(indexes.subList(0, Math.min(indexes.size(), LISTED)))));
        }
        boolean valid = errorCount == 0 && duplicated.isEmpty();
        RunIdValidation.Summary summary = new RunIdValidation.Summary(count, errorCount,
                duplicated.size(), seen.size(), count - errorCount, valid);
        return new RunIdValidation(template.text(), sha256(template.text()), resourceChecksum, summary,
                List.copyOf(errors), duplicates, List.copyOf(preview),
                validationHash(template.text(), resourceChecksum), java.util.Collections.unmodifiableList(runIds));
    }

    /** Why a rendered (trimmed) run id cannot name a job folder, or null when it can. */
    static String problem(String runId) {
        if (runId.isEmpty()) {
            return "Template produced an empty run id";
        }
        if (runId.equals(".") || runId.equals("..")) {
            return "Template produced the run id '" + runId + "', which is not allowed";
        }
        for (String bad : new String[] {"/", "\\", "\0"}) {
            if (runId.contains(bad)) {
                return "Template produced a run id containing " + (bad.equals("\0") ? "NUL" : "'" + bad + "'")
                        + ": '" + BatchNames.printable(runId) + "'";
            }
        }
        if (!BatchNames.isSafeItemId(runId)) {
            return "Template produced the run id '" + BatchNames.printable(runId)
                    + "', which is not a safe job folder name (letters, digits, '.', '_', '-' and spaces; starts with a letter or digit; no '..';"
                    + " at most 128)";
        }
        return null;
    }

    /** sha256(template + "|" + resource checksum), WEPPcloud's validation_hash. */
    public static String validationHash(String template, String resourceChecksum) {
        return sha256(resourceChecksum == null || resourceChecksum.isEmpty() ? template
                : template + "|" + resourceChecksum);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
