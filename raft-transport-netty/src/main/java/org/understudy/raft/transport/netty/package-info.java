/**
 * The peer {@code Transport} and (later) the client RPC on Netty 4.2.
 *
 * <p>This package holds what an application wires: {@link
 * org.understudy.raft.spi.TransportFactory} and its Netty implementation, the Dagger
 * {@link org.understudy.raft.transport.netty.NettyTransportModule}, and
 * {@link org.understudy.raft.transport.netty.TransportException}. The transport itself is in
 * {@code .peer}, the frame codec in {@code .frame}, TLS material in {@code .tls}.
 */
package org.understudy.raft.transport.netty;
