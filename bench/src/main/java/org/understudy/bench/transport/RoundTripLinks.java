package org.understudy.bench.transport;

import java.util.List;

/** Opens the {@link RoundTripLink} a benchmark's {@code impl} parameter names. */
final class RoundTripLinks {
    /** A minimal Netty echo with the same framing: the floor every ratio is taken against. */
    static final String RAW_ECHO = "raw-echo";
    /** Two {@code NettyTransport}s, node 1 sending Raft messages to node 2, which answers each. */
    static final String UNDERSTUDY = "understudy";
    /**
     * Diagnostic, not in the benchmarks' default lists: raw frames over one connection per
     * direction, the transport's layout without its code ({@link RawRelayLink}).
     */
    static final String RAW_RELAY = "raw-relay";

    static final List<String> ALL = List.of(RAW_ECHO, UNDERSTUDY, RAW_RELAY);

    private RoundTripLinks() {}

    /**
     * Opens {@code impl} with requests and replies of {@code payloadBytes} payload bytes; every reply
     * runs {@code onReply} on the Netty thread that decoded it.
     */
    static RoundTripLink open(String impl, int payloadBytes, Runnable onReply) {
        NettyIo io = NettyIo.selected();
        byte[] payload = Payloads.of(payloadBytes);
        return switch (impl) {
            case RAW_ECHO -> new RawEchoLink(io, payload, onReply);
            case UNDERSTUDY -> new UnderstudyLink(io, payload, onReply);
            case RAW_RELAY -> new RawRelayLink(io, payload, onReply);
            default -> throw new IllegalArgumentException("unknown impl '" + impl + "': expected one of " + ALL);
        };
    }
}
