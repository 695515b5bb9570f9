package io.relink.sandbox.service;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

/** Counts what the sandbox was asked and what faults it injected, for tests and benchmarks. */
@ApplicationScoped
public class RequestLog {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void count(String name) {
        counts.computeIfAbsent(name, k -> new LongAdder()).increment();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((name, adder) -> snapshot.put(name, adder.sum()));
        return snapshot;
    }

    public void reset() {
        counts.clear();
    }
}
