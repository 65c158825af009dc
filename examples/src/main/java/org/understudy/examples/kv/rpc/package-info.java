/**
 * raft-kv's binary protocol for the Java client ({@code src/main/proto/kv_rpc.proto}): the
 * {@link org.understudy.examples.kv.rpc.KvRpcMethods RPC handlers} over the same
 * {@link org.understudy.examples.kv.api.KvService} the HTTP API calls, served on the client port by
 * raft-transport-netty's {@link org.understudy.raft.transport.netty.rpc.RpcService} when a
 * connection's first bytes are an RPC hello. The client side is in
 * {@link org.understudy.examples.kv.client}.
 */
package org.understudy.examples.kv.rpc;
