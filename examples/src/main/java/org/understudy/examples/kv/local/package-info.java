/**
 * raft-kv members as real processes on this machine, for benchmarks, chaos drivers and
 * multi-process tests: {@link org.understudy.examples.kv.local.LocalCluster} founds a cluster of
 * {@code raft-kv server} JVMs on 127.0.0.1 ports from the OS (starting over on new ports when one
 * was taken), waits for their start lines and a leader, lets a member join after {@code member add},
 * and stops every process it started (SIGTERM, then SIGKILL; a shutdown hook kills leftovers).
 *
 * <p>Children run {@code java -cp <classpath> org.understudy.examples.kv.cli.RaftKvMain server ...}
 * with Chronicle's JVM flags added ({@code java -cp} does not read the jar manifest's); the
 * classpath is this JVM's unless {@link org.understudy.examples.kv.local.LocalClusterOptions} says
 * otherwise. Each member's stdout and stderr (its log) are files in the work dir, which the caller
 * owns and deletes.
 */
package org.understudy.examples.kv.local;
