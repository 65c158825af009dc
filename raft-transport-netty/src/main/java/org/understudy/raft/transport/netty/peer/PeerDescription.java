package org.understudy.raft.transport.netty.peer;

import io.netty.channel.ChannelHandler;

/**
 * A handler of a peer connection that knows, once the handshake is done, who is on the other end;
 * {@link StalledFrameGuard} asks it for its log line.
 */
interface PeerDescription extends ChannelHandler {
    /** For log lines, e.g. "node 1, control lane". */
    String describe();
}
