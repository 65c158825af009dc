package org.understudy.raft.transport.netty.rpc;

import org.understudy.raft.transport.netty.rpc.proto.RpcHello;
import org.understudy.raft.transport.netty.rpc.proto.RpcHelloReply;

/** The RPC connection's opening exchange (see {@code rpc.proto}). Pure functions. */
final class RpcProtocol {
    /** The protocol this build speaks. Bump it when the meaning of a frame changes. */
    static final int VERSION = 1;

    private RpcProtocol() {}

    static RpcHello hello(String client) {
        return RpcHello.newBuilder().setProtocolVersion(VERSION).setClient(client).build();
    }

    /** Why the server refuses {@code hello}, or null to accept it. */
    static String refusal(RpcHello hello) {
        if (hello.getProtocolVersion() != VERSION) {
            return "the client '" + hello.getClient() + "' speaks RPC protocol " + hello.getProtocolVersion()
                    + ", this server speaks " + VERSION;
        }
        return null;
    }

    static RpcHelloReply accepted(int maxFrameBytes, int maxInFlight) {
        return RpcHelloReply.newBuilder().setAccepted(true).setProtocolVersion(VERSION).setMaxFrameBytes(maxFrameBytes)
                .setMaxInFlight(maxInFlight).build();
    }

    static RpcHelloReply refused(String reason) {
        return RpcHelloReply.newBuilder().setAccepted(false).setProtocolVersion(VERSION).setReason(reason).build();
    }
}
