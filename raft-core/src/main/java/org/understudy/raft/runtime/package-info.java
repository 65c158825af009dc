/**
 * The {@link org.understudy.raft.runtime.RaftNode} runtime: the pure
 * {@link org.understudy.raft.core.RaftCore} driven by an event loop, with group-commit
 * persistence, an apply thread, chunked snapshot streaming and a {@code CompletableFuture} API
 * (DESIGN.md §2). Only {@code RaftNode}, {@code RaftNodeOptions}, {@code StartMode},
 * {@code NodeStatus} and {@code NodeHealth} are public; the rest are the node's parts, one job per
 * class.
 */
package org.understudy.raft.runtime;
