/** The peer {@code Transport} and the client RPC on Netty. */
package org.understudy.raft.transport.netty;
