package org.understudy.raft.transport.netty.peer;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.understudy.raft.ErrorCode;
import org.understudy.raft.RaftException;

/**
 * A peer address as {@code Transport.updatePeer} takes it: {@code host:port}, with an IPv6
 * literal in brackets ({@code [::1]:7000}). The host may be a name; it is resolved on every
 * connection attempt, off the event loop, so a peer that moves to another IP is found again.
 */
public record PeerAddress(String host, int port) {

    public PeerAddress {
        if (host == null || host.isBlank()) {
            throw invalid(host + ":" + port, "the host is empty");
        }
        if (port < 0 || port > 65_535) {
            throw invalid(host + ":" + port, "the port must be in 0..65535");
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @param allowAnyPort whether port 0 ("any free port", for a listen address) is allowed
     * @throws RaftException with {@link ErrorCode#INVALID_PEER_URL} when it does not parse
     */
    public static PeerAddress parse(String address, boolean allowAnyPort) {
        if (address == null) {
            throw invalid("null", "no address given");
        }
        String s = address.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw invalid(address, "expected host:port, e.g. 10.0.0.7:7000 or [::1]:7000");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw invalid(address, "an IPv6 address must be in brackets, e.g. [::1]:7000");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(address, "the port is not a number");
        }
        if (port == 0 && !allowAnyPort) {
            throw invalid(address, "port 0 is not a peer's port");
        }
        return new PeerAddress(host, port);
    }

    /** The address of a bound socket, in the form {@link #parse} reads. */
    public static PeerAddress of(InetSocketAddress bound) {
        return new PeerAddress(bound.getAddress() != null ? bound.getAddress().getHostAddress() : bound.getHostString(),
                bound.getPort());
    }

    /**
     * The address to connect to: resolved at once for an IP literal (no lookup), unresolved for a
     * name (the transport's resolver looks it up off the event loop).
     */
    InetSocketAddress socketAddress() {
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(host, literal), port);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("an IP literal did not convert: " + host, e); // cannot happen: length checked
            }
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * Whether a connection from {@code remote} comes from this address's host: true only when the
     * host is an IP literal equal to {@code remote}'s IP (an IPv4-mapped IPv6 address counts as its
     * IPv4 address). A host name never matches: checking it would need a lookup, which may not
     * happen on an event loop.
     */
    boolean isHostOf(java.net.SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        return literal != null && java.util.Arrays.equals(unmapped(literal), unmapped(inet.getAddress().getAddress()));
    }

    /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as its 4 IPv4 bytes; others unchanged. */
    private static byte[] unmapped(byte[] ip) {
        if (ip.length != 16) {
            return ip;
        }
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return ip;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff ? java.util.Arrays.copyOfRange(ip, 12, 16) : ip;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static RaftException invalid(String address, String why) {
        return new RaftException(ErrorCode.INVALID_PEER_URL, "invalid peer address '" + address + "': " + why,
                Map.of("address", String.valueOf(address)));
    }
}
