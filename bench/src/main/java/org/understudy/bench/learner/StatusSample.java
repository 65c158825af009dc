package org.understudy.bench.learner;

/**
 * What one member said in one {@code GET /v1/status}, and when.
 *
 * @param nanos {@link System#nanoTime()} when the answer arrived
 * @param leader the leader's id as the member knows it; empty when it knows none
 */
record StatusSample(long nanos, String member, long term, String leader) {}
