/**
 * The load generator behind {@code raft-kv bench} (issue 8): operations chosen from a seed
 * ({@link org.understudy.examples.kv.bench.Workload}), paced by a closed loop
 * ({@link org.understudy.examples.kv.bench.ClosedLoopDriver}) or a fixed rate with latency measured
 * from each operation's due time ({@link org.understudy.examples.kv.bench.FixedRateDriver}), sent
 * through {@code client-balancer} ({@link org.understudy.examples.kv.bench.BalancerTarget}), recorded
 * in HdrHistogram ({@link org.understudy.examples.kv.bench.LatencyRecorder}), reported once a second
 * ({@link org.understudy.examples.kv.bench.ProgressReporter}) and summed up as one JSON object
 * ({@link org.understudy.examples.kv.bench.BenchSummary}). {@link org.understudy.examples.kv.bench.LoadRun}
 * puts one run together; the command line ({@code kv.cli.BenchCommand}) checks the options
 * ({@link org.understudy.examples.kv.bench.LoadOptions}) and connects.
 *
 * <p>Nothing here knows the command line or the network: time is a
 * {@link org.understudy.examples.kv.bench.NanoClock} and the cluster a
 * {@link org.understudy.examples.kv.bench.LoadTarget}, so the pacing and the measuring are tested on
 * a fake clock. Memory does not grow with a run's length: fixed-size histograms and counters, no
 * record per operation.
 */
package org.understudy.examples.kv.bench;
