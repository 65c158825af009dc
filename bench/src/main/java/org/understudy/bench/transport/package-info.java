/**
 * Transport benchmarks (issue 4): round-trip latency ({@link
 * org.understudy.bench.transport.TransportRoundTripBenchmark}) and throughput ({@link
 * org.understudy.bench.transport.TransportThroughputBenchmark}) of the peer transport over
 * loopback, each beside a raw Netty echo with the same framing ({@link
 * org.understudy.bench.transport.RawEchoLink}) measured in the same run (plus a diagnostic raw
 * relay with the transport's one-connection-per-direction layout, {@link
 * org.understudy.bench.transport.RawRelayLink}), and {@link
 * org.understudy.bench.transport.TransportRatioReport}, which turns JMH's JSON into the ratio
 * tables of {@code bench/RESULTS.md}.
 */
package org.understudy.bench.transport;
