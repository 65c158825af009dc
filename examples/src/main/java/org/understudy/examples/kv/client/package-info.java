/**
 * raft-kv's adapters of client-balancer's SPIs, for both protocols of a member's client port:
 * <ul>
 *   <li>the HTTP/JSON API of RAFT-KV.md: {@link org.understudy.examples.kv.client.HttpClientTransport}
 *       (key operations, encoded as {@link org.understudy.examples.kv.client.KvOperation} payloads) and
 *       {@link org.understudy.examples.kv.client.HttpMemberSource} ({@code GET /v1/members});</li>
 *   <li>the binary protocol ({@code kv_rpc.proto}, over raft-transport-netty's client RPC):
 *       {@link org.understudy.examples.kv.client.RpcClientTransport} (the same
 *       {@code KvOperation} payloads; answers are the protocol's reply messages) and
 *       {@link org.understudy.examples.kv.client.RpcMemberSource} ({@code kv.members}). Cheaper per
 *       request (one multiplexed connection per member, no text parsing); a follower answers
 *       {@code NOT_LEADER} with the leader's id instead of forwarding, and the balancer follows it.</li>
 * </ul>
 */
package org.understudy.examples.kv.client;
