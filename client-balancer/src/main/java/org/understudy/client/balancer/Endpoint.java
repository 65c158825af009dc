package org.understudy.client.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A client address of a member: a host and a port. Immutable, comparable (host, then port),
 * usable as a map key.
 *
 * <p>{@link #parse} accepts what the cluster and operators write: {@code host:port},
 * {@code [v6addr]:port}, and the same with an {@code http://}, {@code https://},
 * {@code tcp://} or {@code tls://} prefix and an optional trailing slash (the member list
 * of raft-kv gives client URLs in that form). The scheme is ignored: how to talk to the
 * endpoint is the {@code ClientTransport}'s business.
 */
public record Endpoint(String host, int port) implements Comparable<Endpoint> {

    private static final Set<String> SCHEMES = Set.of("http", "https", "tcp", "tls");

    public Endpoint {
        if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidEndpointException(host + ":" + port, InvalidEndpointException.Problem.BAD_HOST,
                    "the host must be non-empty and contain no whitespace");
        }
        if (port < 1 || port > 65_535) {
            throw new InvalidEndpointException(host + ":" + port, InvalidEndpointException.Problem.PORT_OUT_OF_RANGE,
                    "the port must be in 1..65535");
        }
    }

    public static Endpoint of(String host, int port) {
        return new Endpoint(host, port);
    }

    /** Parses one endpoint; throws {@link InvalidEndpointException} with the problem. */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidEndpointException(String.valueOf(text), InvalidEndpointException.Problem.EMPTY,
                    "expected HOST:PORT");
        }
        String input = text.strip();
        String rest = input;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            String name = rest.substring(0, scheme).toLowerCase(Locale.ROOT);
            if (!SCHEMES.contains(name)) {
                throw new InvalidEndpointException(input, InvalidEndpointException.Problem.UNKNOWN_SCHEME,
                        "scheme '" + name + "' is not one of " + SCHEMES.stream().sorted().toList());
            }
            rest = rest.substring(scheme + 3);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.contains("/") || rest.contains("?") || rest.contains("#")) {
            throw new InvalidEndpointException(input, InvalidEndpointException.Problem.HAS_PATH,
                    "an endpoint is HOST:PORT, without a path");
        }
        String host;
        String port;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new InvalidEndpointException(input, InvalidEndpointException.Problem.MISSING_PORT,
                        "an IPv6 endpoint is [ADDRESS]:PORT");
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                throw new InvalidEndpointException(input, InvalidEndpointException.Problem.MISSING_PORT,
                        "expected HOST:PORT");
            }
            host = rest.substring(0, colon);
            port = rest.substring(colon + 1);
            if (host.contains(":")) {
                throw new InvalidEndpointException(input, InvalidEndpointException.Problem.BAD_HOST,
                        "write an IPv6 address in brackets: [ADDRESS]:PORT");
            }
        }
        if (host.isEmpty()) {
            throw new InvalidEndpointException(input, InvalidEndpointException.Problem.BAD_HOST, "the host is empty");
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new InvalidEndpointException(input, InvalidEndpointException.Problem.BAD_PORT,
                    "the port '" + port + "' is not a number");
        }
        if (number < 1 || number > 65_535) {
            throw new InvalidEndpointException(input, InvalidEndpointException.Problem.PORT_OUT_OF_RANGE,
                    "the port " + number + " is not in 1..65535");
        }
        try {
            return new Endpoint(host, number);
        } catch (InvalidEndpointException e) {
            throw new InvalidEndpointException(input, e.problem(), "the host must contain no whitespace");
        }
    }

    /** Parses a comma-separated list ({@code --endpoints a:1,b:2}); blank items are an error. */
    public static List<Endpoint> parseList(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            throw new InvalidEndpointException(String.valueOf(commaSeparated), InvalidEndpointException.Problem.EMPTY,
                    "expected HOST:PORT[,HOST:PORT...]");
        }
        List<Endpoint> out = new ArrayList<>();
        for (String item : commaSeparated.split(",", -1)) {
            out.add(parse(item));
        }
        return List.copyOf(out);
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = host.compareTo(o.host);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
