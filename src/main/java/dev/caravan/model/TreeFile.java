package dev.caravan.model;

import java.util.Optional;

/**
 * A file a capability keeps beside its jobs: {@code jobs/<group>/<name>} (a project's {@code metadata.json}) or
 * {@code jobs/<group>/<batch>/<name>} ({@code batch-summary.tsv}, a workflow's {@code workflow.json}). Every part is a
 * safe name, so a file can never land outside its group.
 */
public record TreeFile(String group, Optional<String> batch, String name) {

    public TreeFile {
        JobRef.requireSafe("group", group);
        batch.ifPresent(b -> JobRef.requireSafe("batch", b));
        JobRef.requireSafe("file name", name);
    }

    public static TreeFile ofGroup(String group, String name) {
        return new TreeFile(group, Optional.empty(), name);
    }

    public static TreeFile ofBatch(String group, String batch, String name) {
        return new TreeFile(group, Optional.of(batch), name);
    }

    @Override
    public String toString() {
        return group + "/" + batch.map(b -> b + "/").orElse("") + name;
    }
}
