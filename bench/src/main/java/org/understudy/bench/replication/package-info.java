/**
 * End-to-end replication benchmarks (issue 8): three {@code RaftNode} voters in one JVM over the
 * in-memory network, or NettyTransport on loopback with Chronicle or MapDB logs, each beside a
 * single-node baseline with the same storage measured in the same run; throughput ({@link
 * org.understudy.bench.replication.ReplicationThroughputBenchmark}) and latency percentiles
 * ({@link org.understudy.bench.replication.ReplicationLatencyBenchmark}), and {@link
 * org.understudy.bench.replication.ReplicationRatioReport}, which turns JMH's JSON into ratio
 * tables, beside the raw append+fsync and raw Netty echo baselines when the same JSON has them.
 */
package org.understudy.bench.replication;
