/** Small helpers shared by the peer transport and the client RPC. */
package org.understudy.raft.transport.netty.support;
