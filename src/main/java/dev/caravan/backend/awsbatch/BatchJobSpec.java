package dev.caravan.backend.awsbatch;

import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one SubmitJob carries, read from a job's {@code params.json} with the environment's defaults under it.
 *
 * <pre>
 * job_queue, job_definition   strings (else caravan.env.&lt;name&gt;.job-queue / .job-definition)
 * parameters                  object, values sent as strings (without it: every top-level scalar that is not one
 *                             of these keys)
 * container_overrides         object: vcpus, memory, command [..], environment [{name,value}] or {NAME: value},
 *                             instanceType, resourceRequirements [{type,value}]
 * timeout                     seconds per attempt, at least 60 (else .timeout, default 21600)
 * retry_attempts              1..10 (else .retry-attempts, default 1)
 * outputs                     [s3://bucket/path/file, ...]: all there → not submitted (skipped); SUCCEEDED without
 *                             them → failed
 * </pre>
 */
public record BatchJobSpec(String queue, String definition, Map<String, String> parameters,
                           Optional<ContainerOverrides> containerOverrides, int attemptDurationSeconds,
                           int retryAttempts, List<String> outputs) {

    public static final Set<String> KEYS = Set.of("job_queue", "job_definition", "parameters", "container_overrides",
            "timeout", "retry_attempts", "outputs");
    public static final Set<String> CONTAINER_KEYS = Set.of("vcpus", "memory", "command", "environment",
            "instanceType", "resourceRequirements");
    /** At most this many outputs per job: each travels as a tag of the AWS job (50 tags at most, 3 are Caravan's). */
    public static final int MAX_OUTPUTS = 45;

    /** The environment's defaults. */
    public record Defaults(Optional<String> queue, Optional<String> definition, int attemptDurationSeconds,
                           int retryAttempts) {
    }

    /** @throws IllegalArgumentException naming the field */
    public static BatchJobSpec of(Map<String, Object> params, Defaults d) {
        String queue = string(params, "job_queue").or(d::queue).orElseThrow(() -> new IllegalArgumentException(
                "no job_queue in params.json and no job-queue setting for the environment"));
        String def = string(params, "job_definition").or(d::definition).orElseThrow(() -> new IllegalArgumentException(
                "no job_definition in params.json and no job-definition setting for the environment"));
        Map<String, String> parameters = new LinkedHashMap<>();
        Object p = params.get("parameters");
        if (p != null) {
            if (!(p instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("parameters: must be an object");
            }
            m.forEach((k, v) -> parameters.put(String.valueOf(k), scalar("parameters." + k, v)));
        } else {
            params.forEach((k, v) -> {
                if (!KEYS.contains(k) && (v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    parameters.put(k, String.valueOf(v));
                }
            });
        }
        Optional<ContainerOverrides> co = Optional.empty();
        Object c = params.get("container_overrides");
        if (c != null) {
            co = Optional.of(containerOverrides(c, "container_overrides"));
        }
        int timeout = integer(params, "timeout").orElse(d.attemptDurationSeconds());
        if (timeout < 60) {
            throw new IllegalArgumentException("timeout: " + timeout + " s is below AWS Batch's minimum of 60 s");
        }
        int retries = integer(params, "retry_attempts").orElse(d.retryAttempts());
        if (retries < 1 || retries > 10) {
            throw new IllegalArgumentException("retry_attempts: must be 1 to 10, was " + retries);
        }
        List<String> outputs = new ArrayList<>();
        Object o = params.get("outputs");
        if (o != null) {
            if (!(o instanceof List<?> l)) {
                throw new IllegalArgumentException("outputs: must be a list of s3:// URIs");
            }
            for (int i = 0; i < l.size(); i++) {
                String u = String.valueOf(l.get(i));
                try {
                    S3Outputs.parse(u);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("outputs[" + i + "]: " + e.getMessage());
                }
                if (u.length() > 256) {
                    throw new IllegalArgumentException("outputs[" + i + "]: longer than 256 characters");
                }
                outputs.add(u);
            }
            if (outputs.size() > MAX_OUTPUTS) {
                throw new IllegalArgumentException("outputs: at most " + MAX_OUTPUTS + " per job");
            }
        }
        return new BatchJobSpec(queue, def, Map.copyOf(parameters), co, timeout, retries, List.copyOf(outputs));
    }

    /** The workflow's {@code containerOverrides} as the SDK's; the message names the field under {@code where}. */
    public static ContainerOverrides containerOverrides(Object value, String where) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(where + ": must be an object");
        }
        ContainerOverrides.Builder b = ContainerOverrides.builder();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            Object v = e.getValue();
            String f = where + "." + k;
            switch (k) {
                case "vcpus" -> b.vcpus(positive(f, v));
                case "memory" -> b.memory(positive(f, v));
                case "instanceType" -> b.instanceType(scalar(f, v));
                case "command" -> {
                    if (!(v instanceof List<?> l)) {
                        throw new IllegalArgumentException(f + ": must be a list of strings");
                    }
                    List<String> cmd = new ArrayList<>();
                    for (int i = 0; i < l.size(); i++) {
                        cmd.add(scalar(f + "[" + i + "]", l.get(i)));
                    }
                    b.command(cmd);
                }
                case "environment" -> b.environment(environment(f, v));
                case "resourceRequirements" -> {
                    if (!(v instanceof List<?> l)) {
                        throw new IllegalArgumentException(f + ": must be a list of {\"type\": ..., \"value\": ...}");
                    }
                    List<ResourceRequirement> rr = new ArrayList<>();
                    for (int i = 0; i < l.size(); i++) {
                        if (!(l.get(i) instanceof Map<?, ?> r) || r.get("type") == null || r.get("value") == null) {
                            throw new IllegalArgumentException(f + "[" + i + "]: must be {\"type\": ..., \"value\": ...}");
                        }
                        rr.add(ResourceRequirement.builder().type(scalar(f + "[" + i + "].type", r.get("type")))
                                .value(scalar(f + "[" + i + "].value", r.get("value"))).build());
                    }
                    b.resourceRequirements(rr);
                }
                default -> throw new IllegalArgumentException(f + ": unknown field (known: "
                        + String.join(", ", CONTAINER_KEYS.stream().sorted().toList()) + ")");
            }
        }
        return b.build();
    }

    private static List<KeyValuePair> environment(String f, Object v) {
        List<KeyValuePair> out = new ArrayList<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> out.add(KeyValuePair.builder().name(String.valueOf(k)).value(scalar(f + "." + k, x)).build()));
            return out;
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(f + ": must be a list of {\"name\": ..., \"value\": ...} or an object");
        }
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> kv) || kv.get("name") == null) {
                throw new IllegalArgumentException(f + "[" + i + "]: must be {\"name\": ..., \"value\": ...}");
            }
            out.add(KeyValuePair.builder().name(String.valueOf(kv.get("name")))
                    .value(kv.get("value") == null ? "" : scalar(f + "[" + i + "].value", kv.get("value"))).build());
        }
        return out;
    }

    private static int positive(String f, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() > 0) {
            return n.intValue();
        }
        if (v instanceof String s && s.matches("\\d+") && Integer.parseInt(s) > 0) {
            return Integer.parseInt(s);
        }
        throw new IllegalArgumentException(f + ": must be a positive whole number, was " + v);
    }

    private static String scalar(String f, Object v) {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw new IllegalArgumentException(f + ": must be a string or a number");
    }

    private static Optional<String> string(Map<String, Object> params, String key) {
        Object v = params.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(key + ": must be a non-empty string");
        }
        return Optional.of(s);
    }

    private static Optional<Integer> integer(Map<String, Object> params, String key) {
        Object v = params.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return Optional.of(n.intValue());
        }
        if (v instanceof String s && s.trim().matches("-?\\d+")) {
            return Optional.of(Integer.parseInt(s.trim()));
        }
        throw new IllegalArgumentException(key + ": must be a whole number, was " + v);
    }
}
