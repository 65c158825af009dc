/**
 * TLS for peer and client connections: {@link org.understudy.raft.transport.netty.tls.TlsSettings}
 * loads a certificate chain, a private key and trusted CA certificates from PEM files and builds
 * Netty {@link io.netty.handler.ssl.SslContext}s for both sides of a connection, always with the
 * JDK's TLS implementation ({@link io.netty.handler.ssl.SslProvider#JDK}).
 */
package org.understudy.raft.transport.netty.tls;
