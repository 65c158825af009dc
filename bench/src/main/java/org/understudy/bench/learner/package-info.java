/**
 * The learner benchmarks (issue 8), run at process level by
 * {@link org.understudy.bench.learner.LearnerBenchmarks}: a learner's catch-up by log replay and by
 * snapshot, the disruption it causes to a steady write load (throughput, p99, elections) while it
 * catches up and while it is promoted, and the promotion's latency. Not JMH: one measured run per
 * variant, with raft-kv members as processes ({@code org.understudy.examples.kv.local}).
 */
package org.understudy.bench.learner;
