package org.understudy.examples.kv.bench;

/**
 * One operation of a run, as {@link Workload} chose it.
 *
 * @param value the value to put (a read carries none); not copied: a workload hands out each array once
 */
public record BenchOp(OpKind kind, String key, byte[] value) {}
