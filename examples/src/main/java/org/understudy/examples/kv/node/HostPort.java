package org.understudy.examples.kv.node;

import java.util.Locale;

/**
 * A {@code HOST:PORT} address as raft-kv's flags and API take it (RAFT-KV.md: an {@code http://}
 * prefix is accepted and ignored; so is {@code tcp://}, the scheme the member registry stores).
 *
 * @param host a host name, an IPv4 address, or an IPv6 address without brackets
 * @param port 0..65535 (0 only where the OS may choose)
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new ConfigException("an address needs a host, e.g. 127.0.0.1:2380");
        }
        if (port < 0 || port > 65_535) {
            throw new ConfigException("port " + port + " is outside 0..65535");
        }
    }

    /**
     * Parses {@code HOST:PORT}, {@code [V6]:PORT}, with an optional {@code http://} or {@code tcp://}
     * prefix and an optional trailing slash.
     *
     * @param what what the address is for, named in the error message (e.g. "--listen-peer")
     * @throws ConfigException naming {@code what} and the value when it does not parse
     */
    public static HostPort parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(what + " is empty; expected HOST:PORT, e.g. 127.0.0.1:2380");
        }
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"http://", "tcp://"}) {
            if (lower.startsWith(prefix)) {
                s = s.substring(prefix.length());
                break;
            }
        }
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new ConfigException(what + " '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:2380");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new ConfigException(what + " '" + text + "': write an IPv6 address in brackets, e.g. [::1]:2380");
        }
        if (host.isEmpty() || host.contains("/") || host.contains("@")) {
            throw new ConfigException(what + " '" + text + "' has no valid host; expected HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(what + " '" + text + "' has a port that is not a number; expected HOST:PORT");
        }
        if (port < 0 || port > 65_535) {
            throw new ConfigException(what + " '" + text + "' has port " + port + ", outside 0..65535");
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), port);
    }

    /** {@code host:port} ({@code [v6]:port} for IPv6), the form the transport and the CLI use. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The URL the member registry stores for a peer address. */
    public String peerUrl() {
        return "tcp://" + this;
    }

    /** The URL the member registry stores for a client address. */
    public String clientUrl() {
        return "http://" + this;
    }
}
