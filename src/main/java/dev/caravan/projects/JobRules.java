package dev.caravan.projects;

import java.util.Map;

/**
 * What AWS Batch accepts in a job, as projects check it before anything is written: the backend's own rules, handed
 * in by an adapter so that this package never depends on the backend's types.
 */
public interface JobRules {

    /** A workflow's {@code containerOverrides}; an {@link IllegalArgumentException} names the field under {@code where}. */
    void checkContainerOverrides(Object value, String where);

    /** A job's whole {@code params.json}, as a submission would read it; an {@link IllegalArgumentException} says what. */
    void checkParams(Map<String, Object> params);

    /** How many outputs one job may name. */
    int maxOutputs();

    /** A run id that stands for a job whose outputs were all on S3, so it was never submitted. */
    boolean isSkipped(String runId);
}
