/**
 * The client RPC: framed protobuf requests and responses between clients (the example store's
 * client, the client balancer) and a server, on the frame codec of
 * {@link org.understudy.raft.transport.netty.frame}.
 *
 * <p>Public: {@link org.understudy.raft.transport.netty.rpc.RpcServer} with its
 * {@link org.understudy.raft.transport.netty.rpc.RpcServerOptions} and
 * {@link org.understudy.raft.transport.netty.rpc.RpcHandler}s (given an
 * {@link org.understudy.raft.transport.netty.rpc.RpcContext}), and
 * {@link org.understudy.raft.transport.netty.rpc.RpcClient} with its
 * {@link org.understudy.raft.transport.netty.rpc.RpcClientOptions}. The wire messages are in
 * {@code src/main/proto/rpc.proto}; the README's "Client RPC" section has the protocol, the knobs and
 * the error mapping. Failures are {@link org.understudy.raft.RaftException}s with the codes of
 * DESIGN.md §7.
 */
package org.understudy.raft.transport.netty.rpc;
