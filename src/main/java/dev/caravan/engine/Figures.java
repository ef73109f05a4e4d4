package dev.caravan.engine;

import dev.caravan.model.State;
import dev.caravan.model.Transition;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Caravan's own running totals since start, for metrics: releases, completions, failures and submit errors per
 * environment, backend calls per environment and operation with their time, and the cycles. Plain counters: the
 * camel adapter shows them in Prometheus form.
 */
public final class Figures {

    /** One kind of backend call on one environment: {@code submit}, {@code poll}, {@code find}, {@code cancel}. */
    public record Call(String env, String operation) {
    }

    /** How many calls and how long they took in all. */
    public record Calls(long count, long nanos) {
    }

    private final Map<String, LongAdder> released = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> completed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> submitErrors = new ConcurrentHashMap<>();
    private final Map<Call, LongAdder> callCounts = new ConcurrentHashMap<>();
    private final Map<Call, LongAdder> callNanos = new ConcurrentHashMap<>();
    private final LongAdder cycles = new LongAdder();
    private volatile long lastCycleNanos;

    void released(String env, long n) {
        add(released, env, n);
    }

    void submitErrors(String env, long n) {
        add(submitErrors, env, n);
    }

    void moved(Iterable<Transition> moves) {
        for (Transition t : moves) {
            if (t.to().equals(State.COMPLETED)) {
                add(completed, t.env(), 1);
            } else if (t.to().equals(State.FAILED)) {
                add(failed, t.env(), 1);
            }
        }
    }

    void call(String env, String operation, long nanos) {
        Call c = new Call(env, operation);
        callCounts.computeIfAbsent(c, k -> new LongAdder()).increment();
        callNanos.computeIfAbsent(c, k -> new LongAdder()).add(nanos);
    }

    void cycle(long nanos) {
        cycles.increment();
        lastCycleNanos = nanos;
    }

    public Map<String, Long> released() {
        return snapshot(released);
    }

    public Map<String, Long> completed() {
        return snapshot(completed);
    }

    public Map<String, Long> failed() {
        return snapshot(failed);
    }

    public Map<String, Long> submitErrors() {
        return snapshot(submitErrors);
    }

    public Map<Call, Calls> calls() {
        Map<Call, Calls> out = new java.util.LinkedHashMap<>();
        callCounts.forEach((c, n) -> out.put(c, new Calls(n.sum(), callNanos.getOrDefault(c, new LongAdder()).sum())));
        return out;
    }

    public long cycles() {
        return cycles.sum();
    }

    /** How long the last cycle that finished took, in seconds (0 before the first). */
    public double lastCycleSeconds() {
        return lastCycleNanos / 1e9;
    }

    private static void add(Map<String, LongAdder> m, String env, long n) {
        if (n > 0) {
            m.computeIfAbsent(env == null ? "" : env, k -> new LongAdder()).add(n);
        }
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
