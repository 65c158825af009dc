package org.understudy.raft.transport.netty.rpc;

import org.understudy.raft.transport.netty.rpc.proto.RpcHello;
import org.understudy.raft.transport.netty.rpc.proto.RpcHelloReply;

/** The RPC connection's opening exchange (see {@code rpc.proto}). Pure functions. */
final class RpcProtocol {
    /** The protocol this build speaks. Bump it when the meaning of a frame changes. */
    static final int VERSION = 1;
    /**
     * The largest hello a server reads ({@link RpcClientOptions} bounds the client name to fit):
     * a port shared with another protocol tells an RPC client by it ({@link RpcService#detect}).
     */
    static final int MAX_HELLO_BYTES = 4096;
    /** The longest client name in a hello, in characters (at most 3 bytes each in UTF-8, plus a few bytes of framing). */
    static final int MAX_CLIENT_NAME_CHARS = 1024;

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
