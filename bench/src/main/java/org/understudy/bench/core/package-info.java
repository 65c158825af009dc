/**
 * Microbenchmarks of the pure consensus core (issue 8): no I/O, no threads, no clock. A leader's
 * and a follower's work per replication round ({@link org.understudy.bench.core.LeaderCoreBenchmark},
 * {@link org.understudy.bench.core.FollowerCoreBenchmark}), the committed-index quorum math over 3
 * and 5 voters and a joint configuration ({@link org.understudy.bench.core.QuorumBenchmark}), and
 * appending to the in-memory log ({@link org.understudy.bench.core.LogAppendBenchmark}). They show
 * what the consensus code costs by itself, the floor under the end-to-end figures of
 * {@code org.understudy.bench.replication}; that package's report prints them too.
 */
package org.understudy.bench.core;
