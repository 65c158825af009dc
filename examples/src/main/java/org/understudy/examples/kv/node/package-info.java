/**
 * One raft-kv member assembled from the library: {@link org.understudy.examples.kv.node.KvConfig}
 * (the {@code server} flags), {@link org.understudy.examples.kv.node.KvNode} (storage, transport,
 * Raft node, membership service, metrics, and the {@code KvService} the HTTP layer calls), and how
 * a member starts from its data dir ({@code StartPlan}: resume, found, or join with
 * {@code JoinDiscovery}).
 */
package org.understudy.examples.kv.node;
