/**
 * The replicated key-value state of raft-kv: {@link org.understudy.examples.kv.state.KvStateMachine}
 * applies committed {@code KvCommand}s (see {@code kv.proto}), serves reads through
 * {@link org.understudy.examples.kv.state.KvReadView}, and streams its snapshots in the format of
 * {@link org.understudy.examples.kv.state.KvSnapshotFormat}.
 *
 * <p>Everything here that changes state runs on the Raft node's apply thread and is a deterministic
 * function of the committed log: no clocks, no randomness, no configuration that could differ
 * between replicas.
 */
package org.understudy.examples.kv.state;
