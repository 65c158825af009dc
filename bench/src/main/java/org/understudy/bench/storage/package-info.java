/**
 * Storage benchmarks: append+sync throughput, random reads and open time of every
 * {@link org.understudy.raft.spi.StorageEngine}, each against the {@code raw} plain-file baseline
 * ({@link org.understudy.bench.storage.RawFileLog}) measured in the same run, and
 * {@link org.understudy.bench.storage.StorageRatioReport}, which turns JMH's JSON into the ratio
 * tables of {@code bench/RESULTS.md}.
 */
package org.understudy.bench.storage;
